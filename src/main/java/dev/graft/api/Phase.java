package dev.graft.api;

/** Lifecycle phases shown in printer columns; not every kind uses every phase. */
public enum Phase {
  Pending,
  Planning,
  Building,
  Cloning,
  Injecting,
  Importing,
  Ready,
  Failed
}
