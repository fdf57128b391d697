package dev.memdir.archival;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memdir.EditException;
import dev.memdir.FormatException;
import dev.memdir.MemdirException;
import dev.memdir.format.AtomicFiles;
import dev.memdir.format.FrontMatterDocument;
import dev.memdir.format.Layout;
import dev.memdir.format.MarkdownFolder;
import dev.memdir.format.Problem;
import dev.memdir.format.TextFiles;
import dev.memdir.format.WriteLock;
import dev.memdir.format.YamlMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The archival facts of one agent directory: one file per fact, named {@code YYYY-MM-DD-<slug>-<6
 * hex of the content hash>.md} so names are readable, stable across clones and need no counter.
 */
public final class ArchivalStore {
  /** The most code points one fact may hold. */
  public static final int MAX_FACT_CHARS = 20_000;

  /** The most tags on one fact, and the longest tag. */
  public static final int MAX_TAGS = 32;

  public static final int MAX_TAG_CHARS = 64;

  static final Set<String> KNOWN_KEYS = Set.of("id", "created", "tags");
  private static final Pattern NAME = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})-.*\\.md");

  private final Layout layout;
  private final Clock clock;
  private final WriteLock lock;

  /** The archive of the agent at {@code layout}, timestamped by {@code clock}. */
  public ArchivalStore(Layout layout, Clock clock) {
    this(layout, clock, WriteLock.of(layout, WriteLock.DEFAULT_WAIT));
  }

  /** The archive of the agent at {@code layout}, whose writes take {@code lock}. */
  public ArchivalStore(Layout layout, Clock clock, WriteLock lock) {
    this.layout = layout;
    this.clock = clock;
    this.lock = lock;
  }

  /**
   * The facts that load, oldest first, and the problems of those that do not.
   *
   * @param facts loadable facts, by creation time then id
   * @param problems errors of broken files and warnings of loaded ones
   */
  public record Snapshot(List<Fact> facts, List<Problem> problems) {
    /** Copies the lists. */
    public Snapshot {
      facts = List.copyOf(facts);
      problems = List.copyOf(problems);
    }
  }

  /**
   * Stores a new fact as a new file and returns it; storing the same text again the same day
   * returns the existing fact.
   */
  public Fact insert(String text, List<String> tags) {
    return insert(text, tags, clock.instant());
  }

  /**
   * Stores a new fact created at {@code created} (an import's date); storing the same text with the
   * same date again returns the existing fact.
   *
   * @throws EditException as {@link #check} does
   */
  public Fact insert(String text, List<String> tags, Instant created) {
    String body = check(text, tags);
    Instant now = created.truncatedTo(ChronoUnit.SECONDS);
    String stem =
        LocalDate.ofInstant(now, ZoneOffset.UTC)
            + "-"
            + slug(body)
            + "-"
            + TextFiles.sha256(body).substring(0, 6);
    Path file = layout.archivalDir().resolve(stem + ".md");
    Fact fact =
        new Fact(
            stem,
            now,
            tags,
            body,
            file.getFileName().toString(),
            JsonNodeFactory.instance.objectNode());
    try (WriteLock.Hold hold = lock.acquire()) {
      if (Files.exists(file)
          || !AtomicFiles.createNew(file, fact.render().getBytes(StandardCharsets.UTF_8))) {
        return load(file, new ArrayList<>()); // never replace a file, even one a person just wrote
      }
    }
    return fact;
  }

  /** Loads every fact; one broken file does not stop the others. */
  public Snapshot list() {
    List<Fact> facts = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path file : factFiles(problems)) {
      try {
        facts.add(load(file, problems));
      } catch (FormatException e) {
        problems.add(Problem.of(e));
      } catch (MemdirException e) {
        problems.add(Problem.error(layout.display(file), 0, e.getMessage()));
      }
    }
    facts.sort(Comparator.comparing(Fact::created).thenComparing(Fact::id));
    problems.sort(Comparator.comparing(Problem::file).thenComparing(Problem::line));
    return new Snapshot(facts, problems);
  }

  /** The fact with this id (or file name, with or without {@code .md}). */
  public Fact get(String id) {
    return find(id).orElseThrow(() -> new EditException("no archival fact with id '" + id + "'"));
  }

  /** The fact with this id (or file name), if any. */
  public Optional<Fact> find(String id) {
    if (id.isEmpty()
        || id.contains("/")
        || id.contains("\\")
        || id.contains("\0")
        || id.startsWith(".")) {
      throw new EditException("invalid archival id \"" + id.replace("\0", "\\0") + "\"");
    }
    String name = id.endsWith(".md") ? id : id + ".md";
    Path direct = layout.archivalDir().resolve(name);
    if (Files.isRegularFile(direct)) {
      return Optional.of(load(direct, new ArrayList<>()));
    }
    return list().facts().stream().filter(f -> f.id().equals(id)).findFirst();
  }

  /** Deletes a fact's file. */
  public Fact delete(String id) {
    Fact fact = get(id);
    Path file = layout.archivalDir().resolve(fact.fileName());
    try (WriteLock.Hold hold = lock.acquire()) {
      Files.delete(file);
    } catch (NoSuchFileException e) {
      throw new EditException("no archival fact with id '" + id + "' (deleted meanwhile)");
    } catch (IOException e) {
      throw new MemdirException("cannot delete " + layout.display(file) + ": " + e.getMessage(), e);
    }
    AtomicFiles.fsyncDirectory(file.getParent());
    return fact;
  }

  /** The number of fact files, without parsing them. */
  public int count() {
    return factFiles(new ArrayList<>()).size();
  }

  private Fact load(Path file, List<Problem> problems) {
    List<Problem> found = new ArrayList<>();
    Fact fact = parse(file, found); // warnings only count for a fact that loads

    problems.addAll(found);
    return fact;
  }

  private Fact parse(Path file, List<Problem> problems) {
    String display = layout.display(file);
    String name = file.getFileName().toString();
    String stem = name.substring(0, name.length() - 3);
    FrontMatterDocument doc =
        FrontMatterDocument.parse(
            TextFiles.read(file, display, Layout.MAX_MARKDOWN_BYTES), display);
    YamlMap fm = doc.frontMatter();
    ObjectNode extra = fm.unknown(KNOWN_KEYS);
    for (Iterator<String> it = extra.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      problems.add(
          Problem.warning(
              display, fm.line(key), "front matter: unknown key '" + key + "' (kept as is)"));
    }
    List<String> tags = fm.stringList("tags").orElse(List.of());
    Instant created = createdOf(fm, file, display, problems);
    String body = doc.body();
    String text = body.endsWith("\n") ? body.substring(0, body.length() - 1) : body;
    if (text.isBlank()) {
      problems.add(Problem.warning(display, 0, "fact is empty"));
    }
    int chars = TextFiles.codePoints(text);
    if (chars > MAX_FACT_CHARS) {
      // Like a block over its limit: it still loads, but validate fails until it is split.
      problems.add(
          Problem.error(
              display,
              doc.bodyLine(),
              String.format(
                  Locale.ROOT,
                  "fact is %,d chars, over the %,d-char cap; split it into smaller facts",
                  chars,
                  MAX_FACT_CHARS)));
    }
    return new Fact(fm.string("id").orElse(stem), created, tags, text, name, extra);
  }

  private static Instant createdOf(YamlMap fm, Path file, String display, List<Problem> problems) {
    Optional<String> created;
    if (fm.has("created") && !fm.node().get("created").isTextual()) {
      created = Optional.of(fm.node().get("created").asText());
    } else {
      created = fm.string("created");
    }
    if (created.isPresent()) {
      try {
        return Instant.parse(created.get());
      } catch (DateTimeParseException e) {
        try {
          return LocalDate.parse(created.get()).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e2) {
          throw fm.error(
              "created",
              "must be an ISO-8601 UTC time like 2026-11-26T08:30:00Z, got \""
                  + created.get()
                  + "\"");
        }
      }
    }
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (m.matches()) {
      try {
        return LocalDate.parse(m.group(1)).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException ignored) {
        // fall through to the modification time
      }
    }
    try {
      problems.add(
          Problem.warning(
              display, 0, "no 'created' in front matter; using the file's modification time"));
      return Files.getLastModifiedTime(file).toInstant().truncatedTo(ChronoUnit.SECONDS);
    } catch (IOException e) {
      throw new MemdirException(display + ": cannot read: " + e.getMessage(), e);
    }
  }

  private List<Path> factFiles(List<Problem> problems) {
    return MarkdownFolder.list(
        layout, layout.archivalDir(), "not a fact (facts are .md files)", problems);
  }

  static String slug(String text) {
    StringBuilder sb = new StringBuilder();
    int words = 0;
    for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (w.isEmpty()) {
        continue;
      }
      if (sb.length() + w.length() + 1 > 40 || words == 6) {
        break;
      }
      if (sb.length() > 0) {
        sb.append('-');
      }
      sb.append(w);
      words++;
    }
    return sb.length() == 0 ? "fact" : sb.toString();
  }

  /**
   * The text a fact would store (line ends normalized, stripped), after checking the caps: text
   * present and at most {@link #MAX_FACT_CHARS}, at most {@link #MAX_TAGS} tags of 1 to {@link
   * #MAX_TAG_CHARS} chars on one line.
   *
   * @throws EditException saying which cap was passed
   */
  public static String check(String text, List<String> tags) {
    String body = TextFiles.normalizeLineEnds(text).strip();
    if (body.isEmpty()) {
      throw new EditException("a fact needs text; got an empty one");
    }
    int chars = TextFiles.codePoints(body);
    if (chars > MAX_FACT_CHARS) {
      throw new EditException(
          "a fact may hold at most " + MAX_FACT_CHARS + " chars, got " + chars + "; split it");
    }
    checkTags(tags);
    return body;
  }

  private static void checkTags(List<String> tags) {
    if (tags.size() > MAX_TAGS) {
      throw new EditException("a fact may have at most " + MAX_TAGS + " tags, got " + tags.size());
    }
    for (String t : tags) {
      if (t.isBlank() || t.length() > MAX_TAG_CHARS || t.contains("\n") || t.contains("\0")) {
        throw new EditException(
            "invalid tag \""
                + t.replace("\0", "\\0")
                + "\": a tag is 1 to "
                + MAX_TAG_CHARS
                + " chars on one line");
      }
    }
  }
}
