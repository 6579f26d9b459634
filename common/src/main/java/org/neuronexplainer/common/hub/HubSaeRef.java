package org.neuronexplainer.common.hub;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;
import org.neuronexplainer.common.dataset.DatasetSubject;

/**
 * A sparse autoencoder kept in a folder of a hub repository, as SAELens publishes them: {@code
 * hf:owner/name/folder@revision}, e.g. {@code
 * hf:jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre} for the folder holding {@code
 * cfg.json} and {@code sae_weights.safetensors}. The {@code hf:} prefix tells it from a local
 * directory; the folder may be several levels deep, or empty for an SAE at the repository's root;
 * the revision is {@code main} unless given.
 *
 * @param id the repository and revision
 * @param folder the SAE's folder in the repository, {@code ""} for its root
 */
public record HubSaeRef(HubId id, String folder) {
  public static final String PREFIX = "hf:";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._+-]+");

  public HubSaeRef {
    if (!id.repo().contains("/")) {
      throw new IllegalArgumentException(
          "an SAE on the hub is named by owner/repository: " + PREFIX + id.repo() + " has none");
    }
  }

  /** Whether {@code text} names an SAE on the hub rather than a directory. */
  public static boolean isRef(String text) {
    return text != null && text.strip().startsWith(PREFIX);
  }

  /**
   * Reads {@code hf:owner/name[/folder...][@revision]}.
   *
   * @throws IllegalArgumentException saying what a reference looks like
   */
  public static HubSaeRef parse(String text) {
    String ref = text.strip();
    if (!ref.startsWith(PREFIX)) {
      throw new IllegalArgumentException(text + " is not a hub reference (" + PREFIX + "...)");
    }
    String rest = ref.substring(PREFIX.length());
    int at = rest.indexOf('@');
    String path = at < 0 ? rest : rest.substring(0, at);
    String revision = at < 0 ? "" : "@" + rest.substring(at + 1);
    String[] segments = path.split("/", -1);
    for (String segment : segments) {
      if (!SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
        throw malformed(text);
      }
    }
    if (segments.length < 2) {
      throw malformed(text);
    }
    Optional<HubId> id = HubId.parse(segments[0] + "/" + segments[1] + revision);
    if (id.isEmpty()) {
      throw malformed(text);
    }
    String folder = String.join("/", Arrays.copyOfRange(segments, 2, segments.length));
    return new HubSaeRef(id.get(), folder);
  }

  private static IllegalArgumentException malformed(String text) {
    return new IllegalArgumentException(
        "malformed hub reference '"
            + text
            + "': expected "
            + PREFIX
            + "owner/repository/folder[@revision], e.g. "
            + PREFIX
            + "jbloom/GPT2-Small-SAEs-Reloaded/blocks.8.hook_resid_pre");
  }

  /** The path in the repository of the SAE's {@code file}. */
  public String file(String file) {
    return folder.isEmpty() ? file : folder + "/" + file;
  }

  /** The cache folder, relative to the models root: the repository's, then the SAE's folder. */
  public String cacheFolder() {
    return folder.isEmpty() ? id.cacheFolder() : id.cacheFolder() + "/" + folder;
  }

  /**
   * The SAE's name when none is given: its folder's last segment (the repository's name for an SAE
   * at the root), made an SAE name (a '+' becomes '-', leading '.', '_' and '-' go).
   *
   * @throws IllegalArgumentException when no valid name comes of it
   */
  public String defaultName() {
    String path = folder.isEmpty() ? id.repo() : folder;
    String last = path.substring(path.lastIndexOf('/') + 1);
    String name = last.replace('+', '-').replaceFirst("^[._-]+", "");
    try {
      return DatasetSubject.checkSaeName(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot name the SAE "
              + this
              + " after its folder '"
              + last
              + "': give it a name with NAME="
              + this,
          e);
    }
  }

  @Override
  public String toString() {
    String revision = id.revision().equals("main") ? "" : "@" + id.revision();
    return PREFIX + id.repo() + (folder.isEmpty() ? "" : "/" + folder) + revision;
  }
}
