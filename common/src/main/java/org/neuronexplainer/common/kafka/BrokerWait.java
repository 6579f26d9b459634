package org.neuronexplainer.common.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Waits at process start for the broker to answer, saying every few seconds that it is waiting, and
 * gives up after {@link KafkaConfig#connectTimeout()}: without it a process whose broker is away
 * would run on, repeating the client's connection warnings, and never say what is wrong.
 */
public final class BrokerWait {

  /** How often the wait is told. */
  public static final Duration NOTICE_EVERY = Duration.ofSeconds(5);

  private BrokerWait() {}

  /** The broker did not answer within the bound, or refused the client outright. */
  public static final class BrokerUnreachableException extends IllegalStateException {
    BrokerUnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Returns once the cluster answers.
   *
   * @param notices told, in one line, at most every {@link #NOTICE_EVERY} while waiting
   * @throws BrokerUnreachableException after the configured bound, naming the address and setting
   */
  public static void await(KafkaClients clients, Consumer<String> notices)
      throws InterruptedException {
    await(clients, notices, NOTICE_EVERY);
  }

  static void await(KafkaClients clients, Consumer<String> notices, Duration noticeEvery)
      throws InterruptedException {
    KafkaConfig config = clients.config();
    Duration bound = config.connectTimeout();
    long start = System.nanoTime();
    try (Admin admin = clients.admin()) {
      while (true) {
        long waited = System.nanoTime() - start;
        long left = bound.isZero() ? Long.MAX_VALUE : bound.toNanos() - waited;
        if (left <= 0) {
          throw new BrokerUnreachableException(
              "cannot reach the Kafka broker at "
                  + config.bootstrapServers()
                  + " (KAFKA_BOOTSTRAP_SERVERS) within "
                  + bound.toSeconds()
                  + " s; check the address and that the broker is running, or raise"
                  + " KAFKA_CONNECT_TIMEOUT_SECONDS (0 waits forever)",
              null);
        }
        long step = Math.max(1, Math.min(left, noticeEvery.toNanos()) / 1_000_000);
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) step))
              .clusterId()
              .get(step + 5_000, TimeUnit.MILLISECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TimeoutException)) {
            // Answered, but refused us (authentication, TLS): waiting longer will not help.
            throw new BrokerUnreachableException(
                "the Kafka broker at "
                    + config.bootstrapServers()
                    + " (KAFKA_BOOTSTRAP_SERVERS) refused the connection: "
                    + e.getCause().getMessage(),
                e.getCause());
          }
        } catch (java.util.concurrent.TimeoutException e) {
          // The admin client did not keep its own deadline; try again.
        }
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        notices.accept(
            "waiting for the Kafka broker at "
                + config.bootstrapServers()
                + " (KAFKA_BOOTSTRAP_SERVERS), "
                + seconds
                + " s so far"
                + (bound.isZero() ? "" : " of " + bound.toSeconds()));
      }
    }
  }
}
