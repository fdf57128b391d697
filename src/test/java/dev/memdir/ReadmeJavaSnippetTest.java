package dev.memdir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java snippet compiles against the library, and its Maven version is the pom's. */
class ReadmeJavaSnippetTest {
  @TempDir Path tmp;

  private static String readme() throws Exception {
    return Files.readString(Path.of("README.md"));
  }

  @Test
  void theReadmeJavaSnippetCompilesWithItsImports() throws Exception {
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme());
    assertThat(m.find()).as("a ```java block in README.md").isTrue();
    String source = m.group(1);
    Matcher cls = Pattern.compile("public class (\\w+)").matcher(source);
    assertThat(cls.find()).as("the snippet is a whole class:\n" + source).isTrue();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    JavaFileObject file =
        new SimpleJavaFileObject(
            URI.create("string:///" + cls.group(1) + ".java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    StringWriter errors = new StringWriter();
    boolean ok =
        javac
            .getTask(
                errors,
                null,
                null,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", tmp.toString()),
                null,
                List.of(file))
            .call();
    assertThat(ok).as(errors.toString()).isTrue();
    assertThat(tmp.resolve(cls.group(1) + ".class")).exists();
  }

  @Test
  void theReadmeMavenCoordinatesNameThePomVersion() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher v =
        Pattern.compile("<artifactId>memdir</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(v.find()).isTrue();
    assertThat(readme())
        .contains(
            "<groupId>dev.memdir</groupId>\n  <artifactId>memdir</artifactId>\n  <version>"
                + v.group(1)
                + "</version>");
  }
}
