package org.neuronexplainer.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neuronexplainer.common.config.Env;

/**
 * The server listens where it is told: on the loopback it cannot be reached through the machine's
 * other addresses; on {@code 0.0.0.0} it can.
 */
@Timeout(60)
class OpsServerTest {

  @Test
  void onTheLoopbackOnlyThisMachineConnects() throws Exception {
    try (MetricsSetup metrics = new MetricsSetup();
        OpsServer server = OpsServer.start(Env.LOOPBACK, 0, metrics, Map.of(), (v, r) -> {})) {
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(connects(InetAddress.getByName("127.0.0.1"), server.port())).isTrue();
      Optional<InetAddress> other = nonLoopbackAddress();
      assumeThat(other).as("a non-loopback address on this machine").isPresent();
      assertThatThrownBy(() -> connects(other.get(), server.port()))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void onEveryInterfaceTheOtherAddressesConnectToo() throws Exception {
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeThat(other).as("a non-loopback address on this machine").isPresent();
    try (MetricsSetup metrics = new MetricsSetup();
        OpsServer server = OpsServer.start("0.0.0.0", 0, metrics, Map.of(), (v, r) -> {})) {
      assertThat(connects(other.get(), server.port())).isTrue();
    }
  }

  private static boolean connects(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return socket.isConnected();
    }
  }

  /** An IPv4 address of this machine's that is not the loopback, when it has one. */
  private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
