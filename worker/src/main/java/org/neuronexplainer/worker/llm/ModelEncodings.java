package org.neuronexplainer.worker.llm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Model names to encodings, after tiktoken's {@code model.py}: exact names first, then families (a
 * family's name alone, or followed by {@code -} or {@code .} and a version or date), in order, so
 * {@code gpt-4o} is found before {@code gpt-4}.
 */
final class ModelEncodings {

  private static final Map<String, Tokenizer> EXACT =
      Map.ofEntries(
          Map.entry("davinci-002", Tokenizer.CL100K_BASE),
          Map.entry("babbage-002", Tokenizer.CL100K_BASE),
          Map.entry("text-embedding-ada-002", Tokenizer.CL100K_BASE),
          Map.entry("text-davinci-003", Tokenizer.P50K_BASE),
          Map.entry("text-davinci-002", Tokenizer.P50K_BASE),
          Map.entry("text-davinci-001", Tokenizer.R50K_BASE),
          Map.entry("text-curie-001", Tokenizer.R50K_BASE),
          Map.entry("text-babbage-001", Tokenizer.R50K_BASE),
          Map.entry("text-ada-001", Tokenizer.R50K_BASE),
          Map.entry("gpt2", Tokenizer.R50K_BASE));

  private static final Map<String, Tokenizer> FAMILIES = new LinkedHashMap<>();

  static {
    for (String family :
        List.of(
            "gpt-5",
            "gpt-4.5",
            "gpt-4.1",
            "gpt-4o",
            "chatgpt-4o",
            "o1",
            "o3",
            "o4-mini",
            "gpt-oss")) {
      FAMILIES.put(family, Tokenizer.O200K_BASE);
    }
    for (String family : List.of("gpt-4", "gpt-3.5-turbo", "gpt-35-turbo", "text-embedding-3")) {
      FAMILIES.put(family, Tokenizer.CL100K_BASE);
    }
    for (String family :
        List.of("code-davinci", "code-cushman", "davinci-codex", "cushman-codex")) {
      FAMILIES.put(family, Tokenizer.P50K_BASE);
    }
    // GPT-3's base models and their fine-tunes (davinci:ft-...), after davinci-002 above.
    for (String family : List.of("davinci", "curie", "babbage", "ada")) {
      FAMILIES.put(family, Tokenizer.R50K_BASE);
    }
  }

  private ModelEncodings() {}

  static Tokenizer of(String model) {
    String name = model == null ? "" : model.strip().toLowerCase(Locale.ROOT);
    name = name.substring(name.lastIndexOf('/') + 1);
    if (name.startsWith("ft:")) {
      name = name.substring(3);
    }
    Tokenizer exact = EXACT.get(name);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, Tokenizer> family : FAMILIES.entrySet()) {
      String prefix = family.getKey();
      if (name.equals(prefix)
          || name.startsWith(prefix)
              && (name.charAt(prefix.length()) == '-'
                  || name.charAt(prefix.length()) == '.'
                  || name.charAt(prefix.length()) == ':')) {
        return family.getValue();
      }
    }
    return Tokenizer.CL100K_BASE;
  }
}
