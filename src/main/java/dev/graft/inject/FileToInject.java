package dev.graft.inject;

/**
 * One file to write into the image. {@code mode} is an octal string (null: {@code 0644}), {@code
 * owner} is {@code uid:gid} (null: {@code 0:0}); both are checked when a script is generated, so
 * that the error can name the file's position in the build.
 */
public record FileToInject(String path, String mode, String owner, Payload payload) {

  /** A file with the default mode and owner. */
  public static FileToInject of(String path, Payload payload) {
    return new FileToInject(path, null, null, payload);
  }
}
