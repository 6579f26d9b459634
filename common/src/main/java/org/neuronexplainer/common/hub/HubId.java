package org.neuronexplainer.common.hub;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub model id with its revision: {@code gpt2}, {@code openai-community/gpt2-xl},
 * {@code owner/name@revision}.
 *
 * @param repo the repository as given ({@code gpt2}, {@code openai-community/gpt2})
 * @param revision a branch, tag or commit ({@code main} unless given)
 */
public record HubId(String repo, String revision) {
  private static final Pattern ID =
      Pattern.compile(
          "([A-Za-z0-9][A-Za-z0-9._-]*)(?:/([A-Za-z0-9][A-Za-z0-9._-]*))?(?:@([A-Za-z0-9._/-]+))?");

  // The hub redirects these legacy names to their current owners; mapping them for the cache
  // folder gives "gpt2" and "openai-community/gpt2" one copy.
  private static final Map<String, String> LEGACY =
      Map.of(
          "gpt2", "openai-community/gpt2",
          "gpt2-medium", "openai-community/gpt2-medium",
          "gpt2-large", "openai-community/gpt2-large",
          "gpt2-xl", "openai-community/gpt2-xl",
          "distilgpt2", "distilbert/distilgpt2");

  /**
   * The id, or empty when {@code text} cannot be one (a path like {@code ./gpt2} or {@code a/b/c}).
   */
  public static Optional<HubId> parse(String text) {
    Matcher m = ID.matcher(text);
    if (!m.matches() || text.contains("..")) {
      return Optional.empty();
    }
    String repo = m.group(2) == null ? m.group(1) : m.group(1) + "/" + m.group(2);
    String revision = m.group(3) == null ? "main" : m.group(3);
    if (revision.startsWith("/") || revision.endsWith("/")) {
      return Optional.empty();
    }
    return Optional.of(new HubId(repo, revision));
  }

  /** The cache folder, relative to the models root: {@code owner--name/revision}. */
  public String cacheFolder() {
    // A revision like refs/pr/1 must stay one folder name.
    String owned = LEGACY.getOrDefault(repo, repo);
    return owned.replace("/", "--") + "/" + revision.replace("/", "--");
  }

  @Override
  public String toString() {
    return "main".equals(revision) ? repo : repo + "@" + revision;
  }
}
