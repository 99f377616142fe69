package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one finished build measured, kept on its GoldenImage so the cost model can be learned again
 * after an operator restart: the injector's own report (its Job pod's termination message) and the
 * clone time CDI's DataVolume shows. Counts and seconds only, never file contents.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BuildTimings {
  /** When the build was registered Ready (RFC 3339): the newest builds are learned from. */
  public String finishedAt;

  /** Payload bytes the injector wrote. */
  public Long bytesAdded;

  /** Files the injector wrote. */
  public Integer filesAdded;

  /** Paths the injector removed. */
  public Integer filesRemoved;

  /** The injector's wall time, appliance launch included. */
  public Double injectSeconds;

  /** The part of {@code injectSeconds} until the disk was mounted (the appliance launch). */
  public Double launchSeconds;

  /** From the DataVolume's creation to its Ready condition: the clone of the parent. */
  public Double cloneSeconds;

  /** The StorageClass the clone was made on (empty: the cluster default). */
  public String storageClass;

  /** Size of the cloned disk, bytes. */
  public Long cloneBytes;
}
