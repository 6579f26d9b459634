package org.neuronexplainer.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neuronexplainer.common.config.Env;

/**
 * The server listens where it is told. Bound to 127.0.0.1 it answers on that address only, not on
 * another loopback address such as 127.0.0.2 (which Linux routes to the same interface); bound to
 * {@code 0.0.0.0} it answers on both. Only loopback addresses are used.
 */
@Timeout(60)
class OpsServerTest {

  private static final String OTHER_LOOPBACK = "127.0.0.2";

  @Test
  void onTheLoopbackOnlyThatAddressConnects() throws Exception {
    assumeThat(otherLoopbackRoutes()).as("127.0.0.2 routed to the loopback").isTrue();
    try (MetricsSetup metrics = new MetricsSetup();
        OpsServer server = OpsServer.start(Env.LOOPBACK, 0, metrics, Map.of(), (v, r) -> {})) {
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(connects(InetAddress.getByName("127.0.0.1"), server.port())).isTrue();
      assertThatThrownBy(() -> connects(InetAddress.getByName(OTHER_LOOPBACK), server.port()))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void onEveryInterfaceTheOtherAddressConnectsToo() throws Exception {
    assumeThat(otherLoopbackRoutes()).as("127.0.0.2 routed to the loopback").isTrue();
    try (MetricsSetup metrics = new MetricsSetup();
        OpsServer server = OpsServer.start("0.0.0.0", 0, metrics, Map.of(), (v, r) -> {})) {
      assertThat(connects(InetAddress.getByName(OTHER_LOOPBACK), server.port())).isTrue();
    }
  }

  private static boolean connects(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 2_000);
      return socket.isConnected();
    }
  }

  /** Whether this machine routes 127.0.0.2 to its loopback (Linux does; some systems do not). */
  private static boolean otherLoopbackRoutes() {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(OTHER_LOOPBACK), 0));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
