#!/usr/bin/env python3
"""Writes a model.safetensors' float tensors as a pytorch_model.bin, laid out as torch.save writes
a state dict (zip format, pickle protocol 2), without needing torch installed.

    python3 write_pytorch_model_bin.py MODEL.safetensors OUT.bin

The zip holds archive/data.pkl (the pickle), archive/byteorder, archive/data/<key> (one raw
little-endian storage per tensor) and archive/version. The pickle is an OrderedDict of name ->
torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()), each storage
a persistent id ('storage', torch.FloatStorage, key, 'cpu', numel), with the state dict's
_metadata attribute set by BUILD, as torch.save(model.state_dict()) does. Stand-in modules named
torch and torch._utils make pickle emit the same GLOBAL opcodes as torch would.
"""
import collections
import io
import json
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stand-in only")


class FloatStorage:
    pass


class HalfStorage:
    pass


class BFloat16Storage:
    pass


_rebuild_tensor_v2.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
for cls in (FloatStorage, HalfStorage, BFloat16Storage):
    cls.__module__ = "torch"
    setattr(torch, cls.__name__, cls)
torch._utils = torch_utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils

STORAGES = {"F32": FloatStorage, "F16": HalfStorage, "BF16": BFloat16Storage}
SIZES = {"F32": 4, "F16": 2, "BF16": 2}


class Storage:
    def __init__(self, key, dtype, numel):
        self.key, self.dtype, self.numel = key, dtype, numel


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce_ex__(self, protocol):
        stride, step = [], 1
        for dim in reversed(self.shape):
            stride.insert(0, step)
            step *= dim
        return (
            _rebuild_tensor_v2,
            (self.storage, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict()),
        )


class StatePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", STORAGES[obj.dtype], str(obj.key), "cpu", obj.numel)
        return None


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    tensors = []
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        tensors.append((begin, name, entry["dtype"], entry["shape"], body[begin:end]))
    tensors.sort()  # file order, as the state dict had it
    return [t[1:] for t in tensors]


def main(source, target):
    state = collections.OrderedDict()
    blobs = []
    for key, (name, dtype, shape, raw) in enumerate(read_safetensors(source)):
        if dtype not in STORAGES:
            raise SystemExit(f"{name}: dtype {dtype} is not a float type")
        storage = Storage(key, dtype, len(raw) // SIZES[dtype])
        state[name] = Tensor(storage, shape)
        blobs.append((key, raw))
    state._metadata = collections.OrderedDict([("", {"version": 1})])
    pickled = io.BytesIO()
    StatePickler(pickled, protocol=2).dump(state)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pickled.getvalue())
        z.writestr("archive/byteorder", "little")
        for key, raw in blobs:
            z.writestr(f"archive/data/{key}", raw)
        z.writestr("archive/version", "3\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
