package dev.graft.inject.job;

import io.smallrye.config.WithDefault;
import java.lang.reflect.Proxy;

/** An instance of a {@code @ConfigMapping} group interface answering with its declared defaults. */
final class ConfigDefaults {
  private ConfigDefaults() {}

  static <T> T of(Class<T> group) {
    return group.cast(
        Proxy.newProxyInstance(
            group.getClassLoader(),
            new Class<?>[] {group},
            (proxy, method, args) -> {
              WithDefault d = method.getAnnotation(WithDefault.class);
              if (d == null) {
                throw new IllegalStateException(method.getName() + " has no default");
              }
              Class<?> type = method.getReturnType();
              if (type == long.class) {
                return Long.parseLong(d.value());
              } else if (type == int.class) {
                return Integer.parseInt(d.value());
              } else if (type == double.class) {
                return Double.parseDouble(d.value());
              } else if (type == boolean.class) {
                return Boolean.parseBoolean(d.value());
              }
              return d.value();
            }));
  }
}
