package org.neuronexplainer.coordinator.viewer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores one viewer serves, chosen in the page ({@code ?store=INDEX}; the first by default):
 * for example our own output beside OpenAI's GPT-2 XL and GPT-2 small containers. Each listable
 * store given is followed by one entry per SAE dataset it holds ({@code saes/{name}/subject.json},
 * read through {@link BlobStore#under}). SAE datasets written while the viewer runs are found when
 * the store list is next asked for (at most once per interval, in the background) and added at the
 * end, so that the index of every entry already shown stays what it was.
 */
public final class ViewerStores implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ViewerStores.class);
  // Listing saes/ lists every file of every SAE dataset: often enough to see a new capture soon.
  private static final long RESCAN_MILLIS = 30_000;

  /** A store's service and the label the page shows for it. */
  /**
   * A store's service and the label the page shows for it.
   *
   * @param parent for an SAE's dataset, the entry of the store it was found in; else null
   * @param sae for an SAE's dataset, its name; else null
   */
  public record Entry(String label, ViewerService service, Entry parent, String sae) {
    public Entry(String label, ViewerService service) {
      this(label, service, null, null);
    }
  }

  private final List<Entry> roots;
  private final List<Entry> entries = new CopyOnWriteArrayList<>();
  private final Set<String> known = new HashSet<>();
  private final Set<String> reported = new HashSet<>();
  private final long rescanMillis;
  private final LongSupplier clock;
  private final ExecutorService scans =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "viewer-sae-scan");
            thread.setDaemon(true);
            return thread;
          });
  private long lastScanMillis;
  private boolean scanning;
  private boolean closed;

  /** Serves {@code roots} in this order, each followed by the SAE datasets found in it. */
  public ViewerStores(List<Entry> roots) {
    this(roots, RESCAN_MILLIS, System::currentTimeMillis);
  }

  /** {@code rescanMillis}: the least time between two looks for new SAE datasets. */
  ViewerStores(List<Entry> roots, long rescanMillis, LongSupplier clock) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("a viewer needs at least one store");
    }
    this.roots = List.copyOf(roots);
    this.rescanMillis = rescanMillis;
    this.clock = clock;
    List<Entry> first = new ArrayList<>();
    for (Entry root : this.roots) {
      first.add(root);
      first.addAll(saesOf(root));
    }
    entries.addAll(first);
    lastScanMillis = clock.getAsLong();
  }

  public static ViewerStores of(ViewerService service) {
    return new ViewerStores(List.of(new Entry(PlainText.storeName(service.store()), service)));
  }

  public List<Entry> entries() {
    return entries;
  }

  /**
   * Starts a look for SAE datasets written since the last, unless one ran within the interval or is
   * running; what it finds is in {@link #entries} once it is done.
   */
  void rescanSoon() {
    synchronized (this) {
      if (scanning || clock.getAsLong() - lastScanMillis < rescanMillis) {
        return;
      }
      scanning = true;
    }
    scans.execute(
        () -> {
          try {
            for (Entry root : roots) {
              add(saesOf(root));
            }
          } finally {
            synchronized (this) {
              scanning = false;
              lastScanMillis = clock.getAsLong();
            }
          }
        });
  }

  /**
   * The SAE datasets of {@code root} not yet served, sorted by name; none where the store cannot be
   * listed. A malformed subject record is logged and its SAE left out.
   */
  private List<Entry> saesOf(Entry root) {
    BlobStore store = root.service().store();
    List<String> folders;
    try {
      // The folders alone: a store need not list every file of every SAE for them.
      folders = store.folders(DatasetSubject.SAES);
    } catch (UnsupportedOperationException e) {
      return List.of(); // an https container: its SAE datasets, if any, cannot be found
    } catch (RuntimeException e) {
      LOG.warn("cannot look for SAE datasets in {}: {}", store, e.toString());
      return List.of();
    }
    List<Entry> found = new ArrayList<>();
    for (String folderName : folders) {
      String name = saeName(folderName);
      if (name == null || !firstLook(root, name)) {
        continue;
      }
      String folder = DatasetSubject.SAES + name + "/";
      BlobStore sae = store.under(folder);
      try {
        Optional<DatasetSubject> subject = StoreSubject.read(sae);
        if (subject.isEmpty()) {
          forget(root, name); // removed since the listing; looked at again next time
          continue;
        }
        if (!subject.get().holdsSaeLatents()) {
          report(
              root, name, store + "/" + folder + DatasetSubject.KEY + " is not an SAE's latents");
          continue;
        }
        // Its own service: runs on an SAE's dataset are recorded inside its folder.
        found.add(
            new Entry(
                label(root, name, subject.get()),
                new ViewerService(sae, Optional.empty()),
                root,
                name));
      } catch (RuntimeException e) {
        report(root, name, e.getMessage());
      }
    }
    return found;
  }

  private synchronized void add(List<Entry> found) {
    if (closed) {
      found.forEach(e -> e.service().close());
    } else {
      entries.addAll(found);
    }
  }

  /** The folder's name if capture could have written it, else null. */
  private static String saeName(String folder) {
    try {
      return DatasetSubject.checkSaeName(folder);
    } catch (IllegalArgumentException e) {
      return null; // not a folder name capture writes
    }
  }

  private synchronized boolean firstLook(Entry root, String name) {
    return known.add(roots.indexOf(root) + "/" + name);
  }

  private synchronized void forget(Entry root, String name) {
    known.remove(roots.indexOf(root) + "/" + name);
  }

  /** Logs why an SAE dataset is left out, once; the next look tries it again. */
  private synchronized void report(Entry root, String name, String why) {
    forget(root, name);
    if (reported.add(roots.indexOf(root) + "/" + name + ": " + why)) {
      LOG.warn("SAE dataset {} of {} left out of the viewer: {}", name, root.label(), why);
    }
  }

  private static String label(Entry root, String name, DatasetSubject subject) {
    return root.label() + " · SAE " + name + " latents (" + subject.hook() + ")";
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
    synchronized (this) {
      closed = true;
    }
    scans.shutdownNow();
    entries.forEach(e -> e.service().close());
  }
}
