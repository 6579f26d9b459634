package org.neuronexplainer.worker.llm;

/**
 * What a job's calls may spend: before each call its estimated price is reserved, and released when
 * the call ends, by then counted in the job's account. {@link #NONE} admits every call.
 */
public interface CallBudget {

  /** No budget: every call is sent. */
  CallBudget NONE =
      new CallBudget() {
        @Override
        public boolean limited() {
          return false;
        }

        @Override
        public void reserve(double usd) {}

        @Override
        public void release(double usd) {}

        @Override
        public void track(UsageAccumulator account) {}
      };

  /** Whether calls are checked at all; when not, their price is not even estimated. */
  boolean limited();

  /**
   * Reserves a call's estimated price before it is sent.
   *
   * @throws RuntimeException (the caller's choice of type) when the call would pass the budget: the
   *     call is not sent
   */
  void reserve(double usd);

  /** Releases a reservation once its call ended, answered or not. */
  void release(double usd);

  /** Counts what {@code account} spends (a job's calls) as spent until the job ends. */
  void track(UsageAccumulator account);
}
