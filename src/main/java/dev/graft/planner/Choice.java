package dev.graft.planner;

/** What a strategy decided for one request, before the plan is laid out. */
sealed interface Choice {

  /** An existing image has exactly the request's files. */
  record Exact(ImageSet image) implements Choice {}

  /** Another request (by index) has the same OS and files and is served first. */
  record SameAs(int request) implements Choice {}

  /** Build from an existing image. */
  record FromImage(ImageSet image) implements Choice {}

  /** Build from another request (by index), once that one is built. */
  record FromRequest(int request) implements Choice {}
}
