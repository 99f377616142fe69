package dev.graft.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * An informer event source that also reports every event of its informer to a listener, before the
 * SDK filters and maps it (so a reconcile the event causes sees what the listener noted), and its
 * (re)starts: a new informer lists afresh and reports no deletion of what it never listed.
 */
final class ReportingEventSource<R extends HasMetadata, P extends HasMetadata>
    extends InformerEventSource<R, P> {

  /** What the informer reports; called on the informer's threads. */
  interface Listener<R> {
    /** Added, changed, or repeated by a resync or a relist. */
    void changed(R now);

    void deleted(R gone);

    /** The informer was (re)started or watches other namespaces: what was noted may be stale. */
    void restarted();
  }

  private final Listener<R> listener;

  ReportingEventSource(
      InformerEventSourceConfiguration<R> configuration,
      EventSourceContext<P> context,
      Listener<R> listener) {
    super(configuration, context);
    this.listener = listener;
  }

  @Override
  public void onAdd(R resource) {
    listener.changed(resource);
    super.onAdd(resource);
  }

  @Override
  public void onUpdate(R before, R now) {
    listener.changed(now);
    super.onUpdate(before, now);
  }

  @Override
  public synchronized void onDelete(R resource, boolean finalStateUnknown) {
    listener.deleted(resource);
    super.onDelete(resource, finalStateUnknown);
  }

  @Override
  public synchronized void start() {
    super.start();
    listener.restarted();
  }

  @Override
  public void changeNamespaces(Set<String> namespaces) {
    super.changeNamespaces(namespaces);
    listener.restarted();
  }
}
