package org.neuronexplainer.worker.llm;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Typed reads of environment variables; every failure names the variable and its value. */
final class EnvReader {

  private final Map<String, String> env;

  EnvReader(Map<String, String> env) {
    this.env = env;
  }

  private String raw(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static IllegalArgumentException bad(String name, String value, String expected) {
    return new IllegalArgumentException(name + "='" + value + "' is invalid: " + expected);
  }

  String string(String name, String fallback) {
    String value = raw(name);
    return value == null ? fallback : value;
  }

  URI httpUri(String name, String fallback) {
    String value = string(name, fallback);
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw bad(name, value, "expected an http(s) URL such as " + LlmConfig.DEFAULT_BASE_URL);
      }
      if (uri.getQuery() != null || uri.getFragment() != null) {
        throw bad(name, value, "the base URL must not have a query or fragment");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw bad(name, value, e.getMessage());
    }
  }

  <E extends Enum<E>> E oneOf(String name, E fallback, Class<E> type) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder names = new StringBuilder();
      for (E constant : type.getEnumConstants()) {
        names
            .append(names.length() == 0 ? "" : "|")
            .append(constant.name().toLowerCase(Locale.ROOT));
      }
      throw bad(name, value, "expected one of " + names);
    }
  }

  long count(String name, long fallback, long min, long max) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < min || parsed > max) {
        throw bad(name, value, "expected an integer from " + min + " to " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw bad(name, value, "expected an integer from " + min + " to " + max);
    }
  }

  Duration seconds(String name, Duration fallback) {
    String value = raw(name);
    if (value == null) {
      return fallback;
    }
    try {
      double seconds = Double.parseDouble(value);
      if (!(seconds > 0) || seconds > 86_400) {
        throw bad(name, value, "expected seconds, more than 0 and at most 86400");
      }
      return Duration.ofNanos(Math.round(seconds * 1e9));
    } catch (NumberFormatException e) {
      throw bad(name, value, "expected seconds, more than 0 and at most 86400");
    }
  }

  /** {@code Name=value,Name2=value2}; names and values are checked against the HTTP client. */
  Map<String, String> headers(String name) {
    String value = raw(name);
    Map<String, String> headers = new LinkedHashMap<>();
    if (value == null) {
      return headers;
    }
    for (String entry : value.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String header = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (header.isEmpty()) {
        throw bad(name, redact(value), "expected Name=value pairs separated by ','");
      }
      String headerValue = entry.substring(eq + 1).trim();
      try {
        // The JDK client refuses restricted headers (Host, Connection, ...): fail at start, not
        // on the first call.
        HttpRequest.newBuilder(URI.create("http://localhost/")).header(header, headerValue);
      } catch (IllegalArgumentException e) {
        throw bad(name, redact(value), "header '" + header + "' cannot be set: " + e.getMessage());
      }
      headers.put(header, headerValue);
    }
    return headers;
  }

  PriceTable prices(String name) {
    String value = raw(name);
    try {
      return PriceTable.parse(value);
    } catch (IllegalArgumentException e) {
      throw bad(name, value, e.getMessage());
    }
  }

  // Header values may be credentials: show only the names in errors.
  private static String redact(String headerSpec) {
    return headerSpec.replaceAll("=[^,]*", "=<redacted>");
  }

  static String urlEncode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
