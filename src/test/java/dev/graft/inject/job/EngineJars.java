package dev.graft.inject.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The injector image's {@code /opt/graft/lib} as its Dockerfile makes it: Graft's classes as a jar
 * and the libraries the engine needs, each checked to be one that the Dockerfile's {@code COPY}
 * globs take from {@code target/quarkus-app} (named {@code groupId.artifactId-version.jar}).
 */
final class EngineJars {

  /** A class of each library {@link dev.graft.inject.local.JobMain} loads besides Graft's. */
  static final List<Class<?>> LIBRARIES =
      List.of(
          com.fasterxml.jackson.databind.ObjectMapper.class,
          com.fasterxml.jackson.core.JsonFactory.class,
          com.fasterxml.jackson.annotation.JsonProperty.class,
          com.fasterxml.jackson.dataformat.yaml.YAMLFactory.class,
          org.yaml.snakeyaml.LoaderOptions.class);

  private EngineJars() {}

  /** Fills {@code lib} and returns it. */
  static Path layout(Path lib, Path dockerfile) throws IOException {
    Files.createDirectories(lib);
    List<PathMatcher> globs = copyGlobs(Files.readString(dockerfile));
    jar(Path.of("target/classes"), lib.resolve("graft-test.jar"));
    assertThat(globs).anyMatch(g -> g.matches(Path.of("graft-test.jar")));
    for (Class<?> c : LIBRARIES) {
      Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().getPath());
      // ~/.m2/repository/<group path>/<artifact>/<version>/<file>.jar
      Path version = jar.getParent();
      Path artifact = version.getParent();
      Path repository = jar;
      while (repository != null && !repository.endsWith("repository")) {
        repository = repository.getParent();
      }
      assertThat(repository).as("%s comes from a Maven repository", jar).isNotNull();
      String group = repository.relativize(artifact.getParent()).toString().replace('/', '.');
      String quarkusName =
          group + "." + artifact.getFileName() + "-" + version.getFileName() + ".jar";
      assertThat(globs)
          .as("deploy/injector/Dockerfile copies %s (needed for %s)", quarkusName, c.getName())
          .anyMatch(g -> g.matches(Path.of(quarkusName)));
      Files.copy(jar, lib.resolve(quarkusName));
    }
    return lib;
  }

  /** The file-name globs of the Dockerfile's COPY into /opt/graft/lib/. */
  static List<PathMatcher> copyGlobs(String dockerfile) {
    String joined = dockerfile.replace("\\\n", " ");
    List<PathMatcher> globs = new ArrayList<>();
    for (String line : joined.split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words.length > 2
          && words[0].equals("COPY")
          && words[words.length - 1].equals("/opt/graft/lib/")) {
        for (int i = 1; i < words.length - 1; i++) {
          String name = words[i].substring(words[i].lastIndexOf('/') + 1);
          globs.add(FileSystems.getDefault().getPathMatcher("glob:" + name));
        }
      }
    }
    assertThat(globs).as("a COPY into /opt/graft/lib/ in the Dockerfile").isNotEmpty();
    return globs;
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        zip.putNextEntry(new JarEntry(classes.relativize(f).toString()));
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
  }
}
