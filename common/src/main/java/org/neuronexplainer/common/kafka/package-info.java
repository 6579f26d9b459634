/**
 * Kafka plumbing shared by the coordinator and the workers: configuration from the environment,
 * client factories, topic creation, publishing, and the stage consume loop.
 *
 * <h2>The stage runner's invariants</h2>
 *
 * <ul>
 *   <li><b>One consumer, one thread.</b> A {@link org.neuronexplainer.common.kafka.StageRunner} is
 *       the only user of its consumer, on its own thread. The stage's work runs on a second, worker
 *       thread, one job at a time.
 *   <li><b>Polling never stops.</b> While a job runs, every assigned partition is paused and the
 *       loop keeps calling {@code poll}, which returns nothing but keeps the consumer in its group:
 *       a job may take far longer than {@code max.poll.interval.ms} without a rebalance. When the
 *       worker finishes it calls {@code wakeup()}, so the loop sees the result at once instead of
 *       after a whole poll timeout. Records that a poll returned before the pause wait in a local
 *       queue, in offset order.
 *   <li><b>Commit after the output.</b> Auto-commit is off. A record's offset is committed only
 *       after the handler returned (its output is durably written) and the broker acknowledged
 *       everything published for it (event, retry, dead letter); the commit itself is asynchronous
 *       (a lost one only causes a redelivery) and is flushed before partitions are revoked and at
 *       stop. If publishing fails, the consumer seeks back and reads the record again. Delivery is
 *       therefore at least once; the handler's {@code outputExists} check makes a second delivery a
 *       cheap skip that reports success.
 *   <li><b>Two kinds of failure, by type.</b> {@code PermanentException} (and a message that cannot
 *       be read: {@code MalformedMessageException}) goes to the dead-letter topic with the error;
 *       the offset is committed and the loop goes on. Any other exception is retryable: the job is
 *       published again on its own topic, same key, with {@code attempt + 1} and a {@code
 *       notBeforeMillis} of now plus an exponential delay, and a {@code failed} event with {@code
 *       willRetry=true}. When the job's {@code maxAttempts} is spent, it is a {@code failed} event
 *       with {@code willRetry=false} plus a dead letter. An {@code Error} stops the runner without
 *       committing.
 *   <li><b>Delays without a timer service.</b> A job read before its {@code notBeforeMillis} is
 *       held for at most {@code maxHold}; if it becomes due in that time it runs, otherwise it is
 *       published again unchanged to the back of its topic and committed. A job never runs early,
 *       and a long delay costs its runner at most {@code maxHold} per pass. While it holds, the
 *       runner takes no other record (it handles one record at a time, in offset order), which is
 *       why the hold is short and the default first retry delay shorter still.
 *   <li><b>Rebalances.</b> When a partition is revoked, its queued records are dropped and its
 *       running job, when it ends, is neither committed nor reported: the new owner reads it again
 *       and finds its output.
 *   <li><b>Clean stop.</b> {@code close()} (e.g. from a SIGTERM hook) wakes the loop. Queued and
 *       held records are handed back (not committed). A running job gets {@code shutdownGrace} to
 *       finish and is then committed as usual; past that it is interrupted and handed back. The
 *       consumer then leaves the group, so its partitions move to the other workers at once.
 *   <li><b>Consumer errors stop the runner.</b> An exception from the consumer itself (not from a
 *       job) ends the loop without committing; {@code failure()} and {@code running()} expose it to
 *       the readiness check, and the group hands the partitions to other workers.
 * </ul>
 *
 * <p>Wiring, per stage of {@code WORKER_STAGES}: {@code new StageRunner<>(clients.consumer(
 * topics.groupId(stage)), publisher, topics.explain(), handler, RunnerSettings.DEFAULTS).start()},
 * one shared {@link org.neuronexplainer.common.kafka.Publisher}, and a shutdown hook that closes
 * the runners before the publisher.
 *
 * <p>Duplicates this design allows, all harmless because outputs are idempotent: a job redone after
 * a crash between output and commit; a retry published twice if the process dies between publishing
 * it and committing; repeated {@code started}/{@code succeeded} events.
 */
package org.neuronexplainer.common.kafka;
