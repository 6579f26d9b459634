package org.neuronexplainer.common.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The behaviour every {@link BlobStore} shares; each implementation's test extends this. */
public abstract class BlobStoreContract {

  protected abstract BlobStore store();

  @Test
  void getOfAMissingKeyIsEmpty() {
    assertThat(store().get("nothing/here.json")).isEmpty();
    assertThat(store().exists("nothing/here.json")).isFalse();
  }

  @Test
  void putThenGetReturnsTheSameBytes() {
    store().put("a/b/c.json", "{\"x\":1}".getBytes(UTF_8));
    assertThat(store().get("a/b/c.json"))
        .hasValueSatisfying(b -> assertThat(b).asString(UTF_8).isEqualTo("{\"x\":1}"));
    assertThat(store().exists("a/b/c.json")).isTrue();
  }

  @Test
  void getRangeReturnsThePartAskedForCutAtTheEnd() {
    store().put("r/blob", "0123456789".getBytes(UTF_8));
    assertThat(store().getRange("r/blob", 2, 3))
        .hasValueSatisfying(b -> assertThat(b).asString(UTF_8).isEqualTo("234"));
    assertThat(store().getRange("r/blob", 7, 10))
        .hasValueSatisfying(b -> assertThat(b).asString(UTF_8).isEqualTo("789"));
    assertThat(store().getRange("r/blob", 10, 4)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(store().getRange("r/blob", 0, 0)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(store().getRange("r/missing", 0, 4)).isEmpty();
    assertThatThrownBy(() -> store().getRange("r/blob", -1, 4))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void putReplacesThePreviousBlob() {
    store().put("k.json", "old".getBytes(UTF_8));
    store().put("k.json", "new".getBytes(UTF_8));
    assertThat(new String(store().get("k.json").orElseThrow(), UTF_8)).isEqualTo("new");
  }

  @Test
  void callerArraysAreNotShared() {
    byte[] data = "abc".getBytes(UTF_8);
    store().put("k", data);
    data[0] = 'z';
    store().get("k").orElseThrow()[1] = 'z';
    assertThat(new String(store().get("k").orElseThrow(), UTF_8)).isEqualTo("abc");
  }

  @Test
  void deleteRemovesAndReportsWhetherItExisted() {
    store().put("x/y", new byte[] {1});
    assertThat(store().delete("x/y")).isTrue();
    assertThat(store().delete("x/y")).isFalse();
    assertThat(store().get("x/y")).isEmpty();
  }

  @Test
  void foldersNamesTheFoldersDirectlyUnderAFolderThatHoldBlobs() {
    for (String key : new String[] {"saes/b/cfg", "saes/a/x/deep", "saes/top", "saesx/c", "z"}) {
      store().put(key, new byte[0]);
    }
    assertThat(store().folders("saes/")).containsExactly("a", "b");
    assertThat(store().folders("saes/a/")).containsExactly("x");
    assertThat(store().folders("")).containsExactly("saes", "saesx");
    assertThat(store().folders("absent/")).isEmpty();
    assertThat(store().under("saes/").folders("")).containsExactly("a", "b");
  }

  @Test
  void listReturnsSortedKeysUnderAStringPrefix() {
    for (String key : new String[] {"runs/r2/a", "runs/r1/b", "runs/r1/a/deep", "runsx/c", "z"}) {
      store().put(key, new byte[0]);
    }
    assertThat(store().list("runs/")).containsExactly("runs/r1/a/deep", "runs/r1/b", "runs/r2/a");
    assertThat(store().list("runs/r1/")).containsExactly("runs/r1/a/deep", "runs/r1/b");
    assertThat(store().list("runs"))
        .containsExactly("runs/r1/a/deep", "runs/r1/b", "runs/r2/a", "runsx/c");
    assertThat(store().list("runs/r")).hasSize(3);
    assertThat(store().list("")).hasSize(5);
    assertThat(store().list("absent/")).isEmpty();
  }

  @Test
  void rejectsKeysThatEscapeOrAreNotRelative() {
    for (String bad :
        new String[] {
          "", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", "a\\b", "a\u0000b"
        }) {
      assertThatThrownBy(() -> store().get(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store().put(bad, new byte[0]))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> store().list("../")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store().list("/abs")).isInstanceOf(IllegalArgumentException.class);
  }
}
