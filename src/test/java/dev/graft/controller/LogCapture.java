package dev.graft.controller;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Every log line the application writes while it runs, as formatted for the log. */
final class LogCapture extends Handler {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final SimpleFormatter formatter = new SimpleFormatter();

  static LogCapture start() {
    LogCapture capture = new LogCapture();
    Logger.getLogger("").addHandler(capture);
    return capture;
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  void stop() {
    Logger.getLogger("").removeHandler(this);
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
