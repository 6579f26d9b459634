package org.neuronexplainer.coordinator.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.storage.InMemoryBlobStore;

class StoreSubjectTest {

  private final InMemoryBlobStore store = new InMemoryBlobStore();
  private final AtomicLong clock = new AtomicLong();
  private final StoreSubject subject = new StoreSubject(store, 10_000, clock::get);

  @Test
  void aRecordWrittenLaterIsSeenAfterTheInterval() {
    assertThat(subject.get()).isEmpty();
    store.put(DatasetSubject.KEY, SaeFixture.LATENTS.toJson());
    assertThat(subject.get()).as("not read again within the interval").isEmpty();
    clock.addAndGet(10_000);
    assertThat(subject.get()).contains(SaeFixture.LATENTS);
  }

  @Test
  void aMalformedRecordLeavesTheLastGoodOneOrNone() {
    store.put(DatasetSubject.KEY, "{\"kind\": \"cats\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(subject.get()).isEmpty();
    store.put(DatasetSubject.KEY, SaeFixture.ROOT.toJson());
    clock.addAndGet(10_000);
    assertThat(subject.get()).contains(SaeFixture.ROOT);
    store.put(DatasetSubject.KEY, "{".getBytes(StandardCharsets.UTF_8));
    clock.addAndGet(10_000);
    assertThat(subject.get()).contains(SaeFixture.ROOT);
  }
}
