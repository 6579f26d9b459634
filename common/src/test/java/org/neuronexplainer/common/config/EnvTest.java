package org.neuronexplainer.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

  private enum Colour {
    RED,
    GREEN
  }

  @Test
  void unsetAndBlankTakeTheDefaultAndValuesAreTrimmed() {
    Env env = new Env(Map.of("BLANK", "  ", "SET", " 7 "));
    assertThat(env.integer("UNSET", 3, 0, 10)).isEqualTo(3);
    assertThat(env.integer("BLANK", 3, 0, 10)).isEqualTo(3);
    assertThat(env.integer("SET", 3, 0, 10)).isEqualTo(7);
    assertThat(env.string("SET", "x")).isEqualTo("7");
    assertThat(env.find("BLANK")).isEmpty();
    assertThat(env.stringOrEmpty("BLANK", "x")).isEmpty();
    assertThat(env.stringOrEmpty("UNSET", "x")).isEqualTo("x");
  }

  @Test
  void readsEachKind() {
    Env env =
        new Env(
            Map.of(
                "FLAG", "false",
                "WAIT", "1.5",
                "COLOUR", "Green",
                "URL", "http://host:8000/v1",
                "BIG", "9000000000"));
    assertThat(env.bool("FLAG", true)).isFalse();
    assertThat(env.seconds("WAIT", Duration.ZERO, 60)).isEqualTo(Duration.ofMillis(1500));
    assertThat(env.oneOf("COLOUR", Colour.RED, Colour.class)).isEqualTo(Colour.GREEN);
    assertThat(env.httpUrl("URL", "https://x")).isEqualTo(URI.create("http://host:8000/v1"));
    assertThat(env.whole("BIG", 0, 0, Long.MAX_VALUE)).isEqualTo(9_000_000_000L);
  }

  @Test
  void everyErrorNamesTheVariableTheValueAndWhatIsExpected() {
    assertThatThrownBy(() -> new Env(Map.of("N", "x")).integer("N", 1, 1, 9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("N is 'x': expected a whole number from 1 to 9");
    assertThatThrownBy(() -> new Env(Map.of("N", "10")).integer("N", 1, 1, 9))
        .hasMessage("N is '10': expected a whole number from 1 to 9");
    assertThatThrownBy(() -> new Env(Map.of("N", "-1")).whole("N", 0, 0, Long.MAX_VALUE))
        .hasMessage("N is '-1': expected a whole number, at least 0");
    assertThatThrownBy(() -> new Env(Map.of("B", "yes")).bool("B", true))
        .hasMessage("B is 'yes': expected true or false");
    assertThatThrownBy(() -> new Env(Map.of("S", "0")).seconds("S", Duration.ZERO, 60))
        .hasMessage("S is '0': expected a number of seconds more than 0 and at most 60");
    assertThatThrownBy(() -> new Env(Map.of("C", "blue")).oneOf("C", Colour.RED, Colour.class))
        .hasMessage("C is 'blue': expected one of red, green");
    assertThatThrownBy(() -> new Env(Map.of("U", "ftp://x")).httpUrl("U", "https://x"))
        .hasMessageStartingWith("U is 'ftp://x': expected an http(s) URL with a host");
    assertThatThrownBy(() -> new Env(Map.of()).required("R", "a name"))
        .hasMessage("R is not set: expected a name");
  }

  @Test
  void aHostIsTheLoopbackUnlessSetAndIsCheckedForItsFormAndThatItIsThisMachines() {
    Env env =
        new Env(
            Map.of(
                "ALL", "0.0.0.0",
                "V6", "[::1]",
                "NAME", "localhost",
                "WITH_PORT", "0.0.0.0:8080",
                "URL", "http://example.org",
                "OCTET", "256.0.0.1",
                "SPACE", "my host"));
    assertThat(env.host("UNSET", Env.LOOPBACK)).isEqualTo("127.0.0.1");
    assertThat(env.host("ALL", Env.LOOPBACK)).isEqualTo("0.0.0.0");
    assertThat(env.host("V6", Env.LOOPBACK)).isEqualTo("::1");
    assertThat(env.host("NAME", Env.LOOPBACK)).isEqualTo("localhost");
    for (String bad : new String[] {"WITH_PORT", "URL", "OCTET", "SPACE"}) {
      assertThatThrownBy(() -> env.host(bad, Env.LOOPBACK))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(bad + " is '")
          .hasMessageContaining("expected an address to listen on, such as 127.0.0.1");
    }
  }

  @Test
  void aHostThatIsNotThisMachinesIsNamedBeforeAnythingListens() {
    // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it; .invalid never
    // resolves (RFC 6761).
    Env env = new Env(Map.of("ELSEWHERE", "192.0.2.7", "NOWHERE", "coordinator.invalid"));
    assertThatThrownBy(() -> env.host("ELSEWHERE", Env.LOOPBACK))
        .hasMessage(
            "ELSEWHERE is '192.0.2.7': expected an address of this machine to listen on"
                + " (192.0.2.7 is not on any of its interfaces)");
    assertThatThrownBy(() -> env.host("NOWHERE", Env.LOOPBACK))
        .hasMessage(
            "NOWHERE is 'coordinator.invalid': expected an address of this machine to listen on"
                + " (the name does not resolve)");
    assertThatThrownBy(() -> Env.parsedHost("192.0.2.7"))
        .hasMessageStartingWith("an address of this machine to listen on");
  }

  @Test
  void aSecretIsNeverShown() {
    assertThat(Env.invalidSecret("KEY", "base64").getMessage())
        .isEqualTo("KEY is set (value not shown): expected base64");
  }
}
