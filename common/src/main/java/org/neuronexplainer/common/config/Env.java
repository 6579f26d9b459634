package org.neuronexplainer.common.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Typed, checked reads of environment variables. A variable that is unset or blank takes its
 * default; a bad value throws an {@link IllegalArgumentException} in one format, made by {@link
 * #invalid}: {@code NAME is 'value': expected what it must be}.
 */
public final class Env {

  /** Only this machine can connect: the default of every server the project starts. */
  public static final String LOOPBACK = "127.0.0.1";

  private static final String HOST_NAME =
      "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*";

  private final Map<String, String> vars;

  public Env(Map<String, String> vars) {
    this.vars = Objects.requireNonNull(vars, "vars");
  }

  /** The error for a bad value: names the variable, the value and what is expected. */
  public static IllegalArgumentException invalid(String name, String value, String expected) {
    return new IllegalArgumentException(name + " is '" + value + "': expected " + expected);
  }

  /** The error for a bad secret: as {@link #invalid}, without the value. */
  public static IllegalArgumentException invalidSecret(String name, String expected) {
    return new IllegalArgumentException(name + " is set (value not shown): expected " + expected);
  }

  /** The error for a required variable that is not set. */
  public static IllegalArgumentException missing(String name, String expected) {
    return new IllegalArgumentException(name + " is not set: expected " + expected);
  }

  /** The value, trimmed; empty when unset or blank. */
  public Optional<String> find(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  /** The value, trimmed, or {@code fallback} when unset or blank. */
  public String string(String name, String fallback) {
    return find(name).orElse(fallback);
  }

  /**
   * The value, trimmed, or {@code fallback} only when unset: for a setting whose empty value means
   * something (an empty topic prefix is no prefix).
   */
  public String stringOrEmpty(String name, String fallback) {
    String value = vars.get(name);
    return value == null ? fallback : value.strip();
  }

  /**
   * The value, trimmed.
   *
   * @param expected what it must be, for the error when it is unset
   */
  public String required(String name, String expected) {
    return find(name).orElseThrow(() -> missing(name, expected));
  }

  /** A whole number in {@code min..max}. */
  public int integer(String name, int fallback, int min, int max) {
    return (int) whole(name, fallback, min, max);
  }

  /** A whole number in {@code min..max}. */
  public long whole(String name, long fallback, long min, long max) {
    return parsed(
        name,
        fallback,
        text -> {
          try {
            long n = Long.parseLong(text);
            if (n >= min && n <= max) {
              return n;
            }
          } catch (NumberFormatException e) {
            // reported below with the accepted range
          }
          throw new IllegalArgumentException(wholeNumber(min, max));
        });
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String name, boolean fallback) {
    return parsed(
        name,
        fallback,
        text ->
            switch (text) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException("true or false");
            });
  }

  /** A number of seconds (a fraction allowed), more than 0 and at most {@code maxSeconds}. */
  public Duration seconds(String name, Duration fallback, long maxSeconds) {
    String expected = "a number of seconds more than 0 and at most " + maxSeconds;
    return parsed(
        name,
        fallback,
        text -> {
          try {
            double seconds = Double.parseDouble(text);
            if (seconds > 0 && seconds <= maxSeconds) {
              return Duration.ofNanos(Math.round(seconds * 1e9));
            }
          } catch (NumberFormatException e) {
            // reported below
          }
          throw new IllegalArgumentException(expected);
        });
  }

  /** One of an enum's constants, written in any case. */
  public <E extends Enum<E>> E oneOf(String name, E fallback, Class<E> type) {
    String names =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", "));
    return parsed(
        name,
        fallback,
        text -> {
          try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("one of " + names);
          }
        });
  }

  /** An http or https URL with a host. */
  public URI httpUrl(String name, String fallback) {
    return parsed(name, URI.create(fallback), Env::parsedHttpUrl);
  }

  /**
   * An address to listen on (see {@link #parsedHost}): {@code fallback} when unset, normally {@link
   * #LOOPBACK}.
   */
  public String host(String name, String fallback) {
    return parsed(name, fallback, Env::parsedHost);
  }

  /**
   * A value read by {@code parse}, which throws an {@link IllegalArgumentException} whose message
   * says what is expected; the error then names the variable and its value.
   */
  public <T> T parsed(String name, T fallback, Function<String, T> parse) {
    Optional<String> value = find(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return parse.apply(value.get());
    } catch (IllegalArgumentException e) {
      throw invalid(name, value.get(), e.getMessage());
    }
  }

  /**
   * Parses an http or https URL with a host, for {@link #parsed}: throws an {@link
   * IllegalArgumentException} saying what is expected.
   */
  public static URI parsedHttpUrl(String text) {
    String expected = "an http(s) URL with a host, such as https://example.com";
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException(expected);
  }

  /**
   * Parses an address to listen on, for {@link #parsed}: an IPv4 address ({@code 127.0.0.1}, this
   * machine only; {@code 0.0.0.0}, every interface), an IPv6 address, with or without brackets, or
   * a host name. No scheme, no port. It must be this machine's: the wildcard, a loopback address,
   * or one of its interfaces' (a name is looked up), so a mistake is named before anything starts
   * rather than as a failed bind. Every listening option and variable is checked here: {@code run
   * --host}, {@code serve --host}, {@code COORDINATOR_HOST}, {@code METRICS_HOST}.
   */
  public static String parsedHost(String text) {
    String expected =
        "an address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0 (every"
            + " interface), without a port";
    String host = text.strip();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.matches("[0-9.]+")) {
      if (isIpv4(host)) {
        return local(host);
      }
    } else if (host.contains(":")) {
      // A literal with a colon is parsed, never looked up: either an IPv6 address or an error.
      if (host.matches("[0-9A-Fa-f:.]+") && isIpv6(host)) {
        return local(host);
      }
    } else if (host.length() <= 253 && host.matches(HOST_NAME)) {
      return local(host);
    }
    throw new IllegalArgumentException(expected);
  }

  /** The host when it names this machine; otherwise the error says what it is instead. */
  private static String local(String host) {
    String expected = "an address of this machine to listen on";
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(expected + " (the name does not resolve)");
    }
    for (InetAddress address : addresses) {
      if (isLocal(address)) {
        return host;
      }
    }
    String found = addresses[0].getHostAddress();
    throw new IllegalArgumentException(
        expected
            + " ("
            + (found.equals(host) ? found + " is" : "it resolves to " + found + ", which is")
            + " not on any of its interfaces)");
  }

  private static boolean isLocal(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private static boolean isIpv6(String text) {
    try {
      InetAddress.getByName(text);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static String wholeNumber(long min, long max) {
    if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
      return "a whole number, at least " + min;
    }
    return "a whole number from " + min + " to " + max;
  }
}
