package dev.graft.realcluster;

/**
 * The real-control-plane tier for tests that stop the application's operator and run operators of
 * their own (leader election, reduced RBAC): a profile apart, so that the other test classes of the
 * tier keep theirs.
 */
public class RealClusterStandaloneProfile extends RealClusterProfile {}
