package org.neuronexplainer.coordinator.viewer;

import java.util.List;
import java.util.Optional;

/**
 * The stores one viewer serves, chosen in the page ({@code ?store=INDEX}; the first by default):
 * for example our own output beside OpenAI's GPT-2 XL and GPT-2 small containers.
 */
public final class ViewerStores implements AutoCloseable {

  /** A store's service and the label the page shows for it. */
  public record Entry(String label, ViewerService service) {}

  private final List<Entry> entries;

  public ViewerStores(List<Entry> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a viewer needs at least one store");
    }
    this.entries = List.copyOf(entries);
  }

  public static ViewerStores of(ViewerService service) {
    return new ViewerStores(List.of(new Entry(service.store().toString(), service)));
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The store a request names: {@code null} or blank is the first; otherwise its index. */
  Optional<ViewerService> resolve(String index) {
    if (index == null || index.isBlank()) {
      return Optional.of(entries.get(0).service());
    }
    try {
      int i = Integer.parseInt(index.strip());
      return i >= 0 && i < entries.size()
          ? Optional.of(entries.get(i).service())
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    entries.forEach(e -> e.service().close());
  }
}
