package dev.graft.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One file to place in the image: where, with which mode and owner, and exactly one content source
 * ({@code content}, {@code contentBase64}, {@code configMapKeyRef}, {@code secretKeyRef}, or {@code
 * url} + {@code sha256} + {@code size}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
// Checked at admission by the API server (CEL); FileResolver checks the same for older servers.
@ValidationRule(
    value =
        "[has(self.content), has(self.contentBase64), has(self.configMapKeyRef),"
            + " has(self.secretKeyRef), has(self.url)].filter(x, x).size() == 1",
    message = "exactly one of content, contentBase64, configMapKeyRef, secretKeyRef, url is set")
@ValidationRule(
    value = "!has(self.url) || (has(self.sha256) && has(self.size))",
    message = "url needs sha256 and size")
public class FileSpec {
  /**
   * Most files in one list: the API server's CEL cost budget needs a bound on the items the rules
   * run over (it refuses the CRD otherwise).
   */
  public static final int MAX_FILES = 1000;

  /** An http(s) URL with a non-empty host and no blanks; the operator checks the same. */
  public static final String URL_PATTERN = "^https?://[^/?#\\s]+([/?#]\\S*)?$";

  /** Absolute, normalized path (no {@code .} or {@code ..} segments, no trailing slash). */
  @Required
  @Pattern("^(/[^/]+)+$")
  @Size(max = 4096)
  @ValidationRule(
      value = "!self.matches('(^|/)[.][.]?(/|$)')",
      message = "path is not normalized: it has a . or .. segment")
  @ValidationRule(value = "!self.contains('//')", message = "path has a duplicate slash")
  public String path;

  /** Octal permission bits: {@code 644}, {@code 0644}, {@code 04755}, {@code 01777}. */
  @Default("0644")
  @Pattern(FileFormats.MODE)
  public String mode;

  /**
   * {@code uid:gid}, {@code user:group} or a mix; names are resolved from the guest's own {@code
   * /etc/passwd} and {@code /etc/group} when the image is built.
   */
  @Default("0:0")
  @Pattern(FileFormats.OWNER)
  public String owner;

  /** UTF-8 text. */
  public String content;

  /** Bytes, base64-encoded. */
  public String contentBase64;

  public KeySelector configMapKeyRef;

  public KeySelector secretKeyRef;

  /**
   * Downloaded by the injection Job and checked against {@code sha256} before use; http or https
   * with a host, no blanks.
   */
  @Pattern(URL_PATTERN)
  public String url;

  /** Lower-case hex SHA-256 of the content; required with {@code url}. */
  @Pattern("^[a-f0-9]{64}$")
  public String sha256;

  /** Size in bytes; required with {@code url}. */
  @Min(0)
  public Long size;

  public FileSpec() {}

  /** An inline text file with default mode and owner. */
  public static FileSpec inline(String path, String content) {
    FileSpec f = new FileSpec();
    f.path = path;
    f.content = content;
    return f;
  }
}
