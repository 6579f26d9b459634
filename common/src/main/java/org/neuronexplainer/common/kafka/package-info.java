/**
 * Kafka plumbing shared by the coordinator and the workers: configuration from the environment,
 * client factories, topic creation, publishing, and the stage consume loop.
 *
 * <h2>The stage runner's invariants</h2>
 *
 * <ul>
 *   <li><b>One consumer, one thread; several jobs at once.</b> A {@link
 *       org.neuronexplainer.common.kafka.StageRunner} is the only user of its consumer, on its own
 *       thread. Jobs run on a pool of {@code maxInFlight} worker threads. Records wait in a local
 *       queue in the order they were read; one is started when a slot is free and no earlier record
 *       of the same key is still unfinished, so one neuron's jobs run one after another, in offset
 *       order, while other neurons' jobs overtake a blocked one.
 *   <li><b>Polling never stops.</b> Once as many records wait as there are slots, every assigned
 *       partition is paused and the loop keeps calling {@code poll}, which returns nothing but
 *       keeps the consumer in its group: a job may take far longer than {@code
 *       max.poll.interval.ms} without a rebalance. Worker threads and the producer's callbacks hand
 *       their results over through queues and wake the poll ({@code wakeup()}, once per batch of
 *       hand-offs), so a result is seen at once instead of after a whole poll timeout.
 *   <li><b>Commit after the output, never past unfinished work.</b> Auto-commit is off. A record is
 *       done once the handler returned (its output is durably written) and the broker acknowledged
 *       everything published for it (event, retry, dead letter). Sends are asynchronous, counted
 *       per record and acknowledged through callbacks, so the producer batches the events of many
 *       jobs into one request. Per partition the runner commits up to the first record that is not
 *       done, at most once per {@code commitInterval} and without waiting (a lost commit only
 *       causes a redelivery); it commits synchronously before partitions are revoked and at stop.
 *       If a send fails, the partition is read again from its first record not done and what ran of
 *       it is abandoned. Delivery is therefore at least once; the handler's {@code outputExists}
 *       check makes a second delivery a cheap skip that reports success.
 *   <li><b>Two kinds of failure, by type.</b> {@code PermanentException} (and a message that cannot
 *       be read: {@code MalformedMessageException}) goes to the dead-letter topic with the error;
 *       the offset is committed and the loop goes on. Any other exception is retryable: the job is
 *       published again on its own topic, same key, with {@code attempt + 1} and a {@code
 *       notBeforeMillis} of now plus an exponential delay, and a {@code failed} event with {@code
 *       willRetry=true}. When the job's {@code maxAttempts} is spent, it is a {@code failed} event
 *       with {@code willRetry=false} plus a dead letter. An {@code Error} stops the runner without
 *       committing.
 *   <li><b>Delays without a timer service.</b> A job read before its {@code notBeforeMillis} is
 *       held (it takes a slot and its key, not a thread) for at most {@code maxHold}; if it becomes
 *       due in that time it runs, otherwise it is published again unchanged to the back of its
 *       topic and committed. A job never runs early; while it is held, other keys' jobs go on.
 *   <li><b>Rebalances.</b> Consumers use cooperative assignment, so only partitions that move are
 *       revoked. Before giving one up, the runner lets its running jobs finish (within {@code
 *       shutdownGrace}), waits for what they published and commits, so the next owner does not run
 *       them a second time at once; queued and held records are dropped, and a job still running
 *       past the grace is interrupted and neither reported nor committed.
 *   <li><b>Clean stop.</b> {@code close()} (e.g. from a SIGTERM hook) wakes the loop. Queued and
 *       held records are handed back (not committed). Running jobs get {@code shutdownGrace} to
 *       finish and are committed as usual once the broker acknowledged what they published; past
 *       that they are interrupted and handed back. The consumer then leaves the group, so its
 *       partitions move to the other workers at once.
 *   <li><b>Consumer errors stop the runner.</b> An exception from the consumer itself (not from a
 *       job) ends the loop without committing; {@code failure()} and {@code running()} expose it to
 *       the readiness check, and the group hands the partitions to other workers.
 * </ul>
 *
 * <p>Wiring, per stage of {@code WORKER_STAGES}: {@code new StageRunner<>(clients.consumer(
 * topics.groupId(stage)), publisher, topics.explainAndScore(), handler,
 * RunnerSettings.DEFAULTS.withMaxInFlight(8)).start()}, one shared {@link
 * org.neuronexplainer.common.kafka.Publisher}, and a shutdown hook that closes the runners before
 * the publisher. Whoever queues new work (the coordinator, the collate stage) does it through a
 * {@link org.neuronexplainer.common.kafka.JobPublisher}, which returns once the broker holds it.
 *
 * <p>Duplicates this design allows, all harmless because outputs are idempotent: a job redone after
 * a crash between output and commit, including jobs that finished after an earlier record of their
 * partition that had not (the commit stops at that record); a retry published twice if the process
 * dies between publishing it and committing; repeated {@code started}/{@code succeeded} events.
 */
package org.neuronexplainer.common.kafka;
