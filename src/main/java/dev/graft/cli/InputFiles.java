package dev.graft.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a command's input file, {@code -} meaning standard input. */
final class InputFiles {
  private InputFiles() {}

  static String read(String file) throws IOException {
    if (file.equals("-")) {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return Files.readString(Path.of(file));
  }

  /** One line for a bad-input message: {@code cannot read "FILE": NoSuchFileException FILE}. */
  static String cannotRead(String file, IOException e) {
    return "cannot read \""
        + file
        + "\": "
        + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + e.getMessage());
  }
}
