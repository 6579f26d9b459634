package org.neuronexplainer.worker.capture.torchbin;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the pickle of a {@code torch.save}d state dict and nothing else: a stack machine that knows
 * only the opcodes such a pickle uses and builds only the few objects it names (ordered dicts,
 * tensors over storages). Any other global or opcode is refused with its name, so a pickle can
 * never run code here, unlike Python's own unpickler.
 */
final class StateDictUnpickler {
  /** A storage named by a persistent id: ('storage', type, key, location, numel). */
  record StorageRef(String type, String key, long numel) {}

  /** {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}: a view of a storage. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  private record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  private static final Object MARK = new Object();
  private static final Set<String> STORAGE_TYPES =
      Set.of(
          "FloatStorage",
          "HalfStorage",
          "BFloat16Storage",
          "DoubleStorage",
          "LongStorage",
          "IntStorage",
          "ShortStorage",
          "CharStorage",
          "ByteStorage",
          "BoolStorage");
  private static final Set<String> CALLABLES =
      Set.of(
          "collections.OrderedDict",
          "torch._utils._rebuild_tensor_v2",
          "torch._utils._rebuild_parameter");

  private final ByteBuffer in;
  private final String where;
  private final Deque<Object> stack = new ArrayDeque<>();
  private final Map<Integer, Object> memo = new HashMap<>();

  private StateDictUnpickler(byte[] pickle, String where) {
    this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    this.where = where;
  }

  /** The state dict: tensor name to tensor, in the pickle's order. */
  static Map<String, TensorRef> read(byte[] pickle, String where) {
    Object result = new StateDictUnpickler(pickle, where).run();
    if (!(result instanceof Map<?, ?> map)) {
      throw new TorchCheckpointException(where + ": the pickle is not a state dict (a dict)");
    }
    Map<String, TensorRef> tensors = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef tensor)) {
        throw new TorchCheckpointException(
            where + ": state dict entry " + e.getKey() + " is not a named tensor");
      }
      tensors.put(name, tensor);
    }
    return tensors;
  }

  private Object run() {
    try {
      while (true) {
        int at = in.position();
        int op = in.get() & 0xff;
        switch (op) {
          case 0x80 -> in.get(); // PROTO n
          case 0x95 -> in.getLong(); // FRAME: a length hint
          case '.' -> {
            return pop();
          }
          case '(' -> stack.push(MARK);
          case ')' -> stack.push(List.of());
          case '}' -> stack.push(new LinkedHashMap<>());
          case ']' -> stack.push(new ArrayList<>());
          case 't' -> stack.push(List.copyOf(popToMark()));
          case 'l' -> stack.push(new ArrayList<>(popToMark()));
          case 'd' -> stack.push(dictOf(popToMark(), at));
          case 0x85 -> stack.push(List.of(pop()));
          case 0x86 -> {
            Object b = pop();
            stack.push(List.of(pop(), b));
          }
          case 0x87 -> {
            Object c = pop();
            Object b = pop();
            stack.push(List.of(pop(), b, c));
          }
          case 'N' -> stack.push(NONE);
          case 0x88 -> stack.push(Boolean.TRUE);
          case 0x89 -> stack.push(Boolean.FALSE);
          case 'J' -> stack.push((long) in.getInt());
          case 'K' -> stack.push((long) (in.get() & 0xff));
          case 'M' -> stack.push((long) (in.getShort() & 0xffff));
          case 0x8a -> stack.push(long1(at));
          case 'G' -> stack.push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BE
          case 'X' -> stack.push(string(in.getInt(), at));
          case 0x8c -> stack.push(string(in.get() & 0xff, at));
          case 'c' -> stack.push(global(line(), line(), at));
          case 0x93 -> {
            Object name = pop();
            stack.push(global(text(pop(), at), text(name, at), at));
          }
          case 'q' -> memo.put(in.get() & 0xff, peek());
          case 'r' -> memo.put(in.getInt(), peek());
          case 0x94 -> memo.put(memo.size(), peek());
          case 'h' -> stack.push(memoGet(in.get() & 0xff, at));
          case 'j' -> stack.push(memoGet(in.getInt(), at));
          case 'Q' -> stack.push(storage(pop(), at));
          case 'R' -> {
            Object args = pop();
            stack.push(call(pop(), args, at));
          }
          case 'b' -> build(pop(), at);
          case 's' -> {
            Object value = pop();
            Object key = pop();
            map(peek(), at).put(key, value);
          }
          case 'u' -> {
            List<Object> items = popToMark();
            Map<Object, Object> target = map(peek(), at);
            for (int i = 0; i + 1 < items.size(); i += 2) {
              target.put(items.get(i), items.get(i + 1));
            }
          }
          case 'a' -> {
            Object value = pop();
            list(peek(), at).add(value);
          }
          case 'e' -> {
            List<Object> items = popToMark();
            list(peek(), at).addAll(items);
          }
          default ->
              throw fail(
                  at,
                  String.format(
                      "pickle opcode 0x%02x is not one a state dict uses; refusing to read further",
                      op));
        }
      }
    } catch (BufferUnderflowException e) {
      throw new TorchCheckpointException(where + ": the pickle ends early (truncated?)");
    }
  }

  private static final Object NONE = new Object();

  private Object global(String module, String name, int at) {
    Global global = new Global(module, name);
    boolean storage = module.equals("torch") && STORAGE_TYPES.contains(name);
    if (!storage && !CALLABLES.contains(global.qualified())) {
      throw fail(
          at,
          "the pickle names "
              + global.qualified()
              + ", which a state dict of tensors does not use; refusing to load it");
    }
    return global;
  }

  private Object call(Object callable, Object args, int at) {
    if (!(callable instanceof Global global) || !(args instanceof List<?> list)) {
      throw fail(at, "REDUCE of something that is not an allowed global");
    }
    switch (global.qualified()) {
      case "collections.OrderedDict" -> {
        if (!list.isEmpty()) {
          throw fail(at, "OrderedDict with arguments");
        }
        return new LinkedHashMap<>();
      }
      case "torch._utils._rebuild_parameter" -> {
        if (list.isEmpty() || !(list.get(0) instanceof TensorRef tensor)) {
          throw fail(at, "_rebuild_parameter without a tensor");
        }
        return tensor;
      }
      case "torch._utils._rebuild_tensor_v2" -> {
        if (list.size() < 4 || !(list.get(0) instanceof StorageRef storage)) {
          throw fail(at, "_rebuild_tensor_v2 without a storage");
        }
        return new TensorRef(
            storage, number(list.get(1), at), longs(list.get(2), at), longs(list.get(3), at));
      }
      default -> throw fail(at, global.qualified() + " cannot be called");
    }
  }

  private void build(Object state, int at) {
    // A state dict's BUILD sets its `_metadata` attribute: nothing the tensors need.
    if (!(peek() instanceof Map<?, ?>)) {
      throw fail(at, "BUILD of something other than a dict");
    }
  }

  private StorageRef storage(Object pid, int at) {
    if (pid instanceof List<?> t
        && t.size() == 5
        && "storage".equals(t.get(0))
        && t.get(1) instanceof Global type
        && STORAGE_TYPES.contains(type.name())
        && t.get(2) instanceof String key) {
      return new StorageRef(type.name(), key, number(t.get(4), at));
    }
    throw fail(at, "a persistent id that is not ('storage', type, key, location, numel)");
  }

  private Object memoGet(int index, int at) {
    Object value = memo.get(index);
    if (value == null) {
      throw fail(at, "memo entry " + index + " read before it was written");
    }
    return value;
  }

  private Map<Object, Object> dictOf(List<Object> items, int at) {
    Map<Object, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < items.size(); i += 2) {
      map.put(items.get(i), items.get(i + 1));
    }
    return map;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> map(Object o, int at) {
    if (o instanceof LinkedHashMap<?, ?> m) {
      return (Map<Object, Object>) m;
    }
    throw fail(at, "SETITEM on something that is not a dict");
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object o, int at) {
    if (o instanceof ArrayList<?> l) {
      return (List<Object>) l;
    }
    throw fail(at, "APPEND on something that is not a list");
  }

  private long long1(int at) {
    int n = in.get() & 0xff;
    if (n > 8) {
      throw fail(at, "an integer of " + n + " bytes");
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      value |= (long) (in.get() & 0xff) << (8 * i);
    }
    if (n > 0 && n < 8 && (value & (1L << (8 * n - 1))) != 0) {
      value -= 1L << (8 * n); // two's complement of n bytes
    }
    return value;
  }

  private String string(int length, int at) {
    if (length < 0 || length > in.remaining()) {
      throw fail(at, "a string longer than the pickle");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String line() {
    StringBuilder text = new StringBuilder();
    for (byte b = in.get(); b != '\n'; b = in.get()) {
      text.append((char) (b & 0xff));
    }
    return text.toString();
  }

  private String text(Object o, int at) {
    if (o instanceof String s) {
      return s;
    }
    throw fail(at, "a global named by something other than strings");
  }

  private long number(Object o, int at) {
    if (o instanceof Long l) {
      return l;
    }
    throw fail(at, "expected an integer, found " + describe(o));
  }

  private long[] longs(Object o, int at) {
    if (!(o instanceof List<?> list)) {
      throw fail(at, "expected a tuple of integers, found " + describe(o));
    }
    long[] values = new long[list.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = number(list.get(i), at);
    }
    return values;
  }

  private static String describe(Object o) {
    return o == null || o == NONE ? "None" : o.getClass().getSimpleName();
  }

  private Object pop() {
    Object o = stack.poll();
    if (o == null || o == MARK) {
      throw new TorchCheckpointException(
          where + ": the pickle's stack is empty where it needs a value");
    }
    return o;
  }

  private Object peek() {
    Object o = stack.peek();
    if (o == null || o == MARK) {
      throw new TorchCheckpointException(
          where + ": the pickle's stack is empty where it needs a value");
    }
    return o;
  }

  private List<Object> popToMark() {
    List<Object> items = new ArrayList<>();
    while (true) {
      Object o = stack.poll();
      if (o == null) {
        throw new TorchCheckpointException(where + ": the pickle has no MARK where it needs one");
      }
      if (o == MARK) {
        break;
      }
      items.add(0, o);
    }
    return items;
  }

  private TorchCheckpointException fail(int at, String message) {
    return new TorchCheckpointException(where + " (pickle offset " + at + "): " + message);
  }
}
