package dev.graft.controller;

import io.javaoperatorsdk.operator.processing.retry.GenericRetry;

/**
 * How every Graft controller retries a failed reconcile. The SDK's default gives up after 5
 * attempts (about 16 s); a resource whose retries ran out then waits for its next event, which may
 * never come (an API server outage of 20 s left requests stuck for good, see ApiFaultTest). Graft
 * retries without limit, as controller-runtime does, from 0.5 s doubling up to 30 s; and every
 * resource is reconciled at least every 10 minutes, against any event lost on the way.
 *
 * <p>The one place of these values: each controller names this class as its retry ({@code retry =
 * Retries.class}), which JOSDK instantiates, and {@link RetriesConfigSource} hands the same values
 * to QOSDK, which reads the intervals from configuration. ApiFaultTest checks that the running
 * operator has them. Only the retry of transient errors: permanent ones go through {@link
 * dev.graft.controller.flow.Failures} without a retry.
 */
public class Retries extends GenericRetry {
  static final int UNLIMITED = -1;
  static final long INITIAL_MILLIS = 500;
  static final double MULTIPLIER = 2;
  static final long MAX_MILLIS = 30_000;
  static final long RESYNC_MINUTES = 10;

  public Retries() {
    setMaxAttempts(UNLIMITED);
    setInitialInterval(INITIAL_MILLIS);
    setIntervalMultiplier(MULTIPLIER);
    setMaxInterval(MAX_MILLIS);
  }
}
