package org.neuronexplainer.coordinator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.neuronexplainer.common.ops.ReadinessCheck;
import org.neuronexplainer.common.storage.BlobStore;

/**
 * What the coordinator's {@code /readyz} asks: the events replay has caught up, the broker answers
 * within {@link #BROKER_TIMEOUT}, and the store takes a write ({@value #STORE_PROBE}).
 */
public final class CoordinatorReadiness {

  /** How long the broker may take to describe its cluster. */
  public static final Duration BROKER_TIMEOUT = Duration.ofSeconds(3);

  /** The key the store check writes. */
  public static final String STORE_PROBE = "runs/.readyz-probe";

  /** Asks the broker for something; throws when it does not answer within the timeout. */
  @FunctionalInterface
  public interface BrokerProbe {
    void check(Duration timeout) throws Exception;

    /** Describes the cluster through an admin client. */
    static BrokerProbe of(Admin admin) {
      return timeout ->
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
              .nodes()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private CoordinatorReadiness() {}

  /**
   * @param events null when the events replay has caught up, otherwise why not
   */
  public static Map<String, ReadinessCheck> checks(
      ReadinessCheck events, BrokerProbe broker, BlobStore store) {
    Map<String, ReadinessCheck> checks = new LinkedHashMap<>();
    checks.put("events", events);
    checks.put("broker", () -> broker(broker));
    checks.put("store", () -> store(store));
    return checks;
  }

  private static String broker(BrokerProbe broker) {
    try {
      broker.check(BROKER_TIMEOUT);
      return null;
    } catch (TimeoutException e) {
      return "the broker did not answer within " + BROKER_TIMEOUT.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while asking the broker";
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      return "the broker did not answer: " + message(cause);
    }
  }

  private static String store(BlobStore store) {
    try {
      store.put(
          STORE_PROBE,
          Long.toString(System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII));
      return null;
    } catch (RuntimeException e) {
      String why = message(e);
      Throwable cause = e.getCause();
      if (cause != null && cause.getMessage() != null && !why.contains(cause.getMessage())) {
        why += ": " + cause.getMessage();
      }
      return "the store does not take writes: " + why;
    }
  }

  private static String message(Throwable error) {
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }
}
