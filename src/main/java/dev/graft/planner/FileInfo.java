package dev.graft.planner;

/**
 * One file the planner knows about. Two files are the same file only when their ids are equal; in
 * the operator the id is the digest of path, content, mode and owner.
 */
public record FileInfo(String id, String path, long size, double injectCost, double removeCost) {}
