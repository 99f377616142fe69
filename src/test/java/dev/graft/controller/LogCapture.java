package dev.graft.controller;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Every log line the application writes while it runs, as formatted for the log. Graft's own
 * loggers log at every level meanwhile, debug included, whatever the configuration says: a leak at
 * a level that is off today is a leak tomorrow.
 */
final class LogCapture extends Handler {
  private static final Logger GRAFT = Logger.getLogger("dev.graft");
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();
  private Level graftLevel;

  static LogCapture start() {
    LogCapture capture = new LogCapture();
    capture.graftLevel = GRAFT.getLevel();
    GRAFT.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  void stop() {
    Logger.getLogger("").removeHandler(this);
    GRAFT.setLevel(graftLevel);
  }

  @Override
  public void publish(LogRecord record) {
    String line = record.getLoggerName() + " " + formatter.formatMessage(record);
    if (record.getThrown() != null) {
      line += " " + record.getThrown();
    }
    lines.add(line);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
