package dev.memdir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The whole LoCoMo retrieval run, JVM start included, side by side with a minimal Java + Lucene
 * program doing the same core work in the same command: parse the data, one in-memory BM25 index
 * per conversation (one document per turn, with its session date), every question searched once for
 * its top 50 turns, evidence recall at 10 printed. Each round runs both as child processes, in
 * alternating order; the medians of wall and CPU time and their ratio are printed.
 *
 * <p>Arguments: the data file, rounds (default 5), the memdir jar (default target/memdir.jar), or
 * the launcher ({@code target/memdir}), which is run as it is, with its own JVM flags and
 * class-data archive. {@code -Dbench.jvmFlags="-XX:TieredStopAtLevel=1 ..."} passes the same JVM
 * flags to both (to the baseline only, with the launcher); several sets separated by {@code |} are
 * each run in every round. With the launcher, {@code -Dbench.memdirOpts="A|B"} runs it once per
 * {@code MEMDIR_JAVA_OPTS} value (an empty value: as it is). Every round runs every variant, each
 * round starting with the next; the ratios of each memdir variant to each baseline are taken within
 * each round and their median and range printed. {@code baseline FILE} runs the baseline program
 * alone (what the child process runs). {@code -Dbench.copies=conv-41,conv-42,conv-47} runs both on
 * a temporary file of the data plus a copy of each conversation named (a stand-in of the public
 * file's size: 10 conversations, 1,990 questions).
 */
public final class LocomoSpeedBenchmark {
  private LocomoSpeedBenchmark() {}

  private static final Pattern SESSION = Pattern.compile("session_(\\d+)");

  /** One command run in every round: a memdir run or the baseline, with its flags. */
  private record Variant(String name, boolean memdir, List<String> command, String memdirOpts) {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("baseline")) {
      baseline(Path.of(args[1]));
      return;
    }
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/locomo/locomo10-dev.json");
    String copies = System.getProperty("bench.copies", "").strip();
    Path scaled = null;
    if (!copies.isEmpty()) {
      scaled = withCopies(data, List.of(copies.split(",")));
      data = scaled;
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path jar = Path.of(args.length > 2 ? args[2] : "target/memdir.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    // The launcher (target/memdir) is run as a user runs it: its own JVM flags and archive.
    boolean launcher = !jar.getFileName().toString().endsWith(".jar");
    List<Variant> variants = new ArrayList<>();
    for (String set : System.getProperty("bench.jvmFlags", "").split("\\|", -1)) {
      List<String> flags = split(set);
      String label = flags.isEmpty() ? "" : " [" + String.join(" ", flags) + "]";
      List<String> base = new ArrayList<>(List.of(java));
      base.addAll(flags);
      base.addAll(List.of("-cp", cp, LocomoSpeedBenchmark.class.getName(), "baseline"));
      variants.add(new Variant("baseline" + label, false, base, ""));
      if (!launcher) {
        List<String> m = new ArrayList<>(List.of(java));
        m.addAll(flags);
        m.addAll(List.of("-jar", jar.toString()));
        variants.add(new Variant("memdir" + label, true, m, ""));
      }
    }
    if (launcher) {
      for (String opts : System.getProperty("bench.memdirOpts", "").split("\\|", -1)) {
        String o = opts.strip();
        String label = o.isEmpty() ? "" : " [MEMDIR_JAVA_OPTS=" + o + "]";
        variants.add(new Variant("memdir" + label, true, List.of(jar.toString()), o));
      }
    }
    int n = variants.size();
    double[][] wall = new double[n][rounds];
    double[][] cpu = new double[n][rounds];
    for (int r = 0; r < rounds; r++) {
      Path out = Files.createTempDirectory("memdir-locomo-speed");
      // Each round starts with another variant, so no one always runs first or after another.
      for (int k = 0; k < n; k++) {
        int v = (r + k) % n;
        Variant x = variants.get(v);
        List<String> command = new ArrayList<>(x.command());
        if (x.memdir()) {
          Path run = out.resolve("run" + v);
          command.addAll(
              List.of("bench", "locomo", "--data", data.toString(), "--out", run.toString()));
        } else {
          command.add(data.toString());
        }
        double[] t = time(command, x.memdirOpts());
        wall[v][r] = t[0];
        cpu[v][r] = t[1];
      }
      StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
      for (int v = 0; v < n; v++) {
        line.append(
            String.format(
                Locale.ROOT,
                " %s %.2f s wall %.2f s cpu%s",
                variants.get(v).name(),
                wall[v][r],
                cpu[v][r],
                v < n - 1 ? " |" : ""));
      }
      System.out.println(line);
      deleteTree(out);
    }
    System.out.printf(Locale.ROOT, "medians over %d rounds:%n", rounds);
    for (int v = 0; v < n; v++) {
      System.out.printf(
          Locale.ROOT,
          "  %s: %.2f s wall, %.2f s cpu%n",
          variants.get(v).name(),
          Stats.median(wall[v]),
          Stats.median(cpu[v]));
    }
    // Ratios taken within each round (the load of other jobs hits both sides alike), then their
    // median and range.
    for (int a = 0; a < n; a++) {
      for (int b = 0; b < n; b++) {
        if (!variants.get(a).memdir() || variants.get(b).memdir()) {
          continue;
        }
        double[] rw = new double[rounds];
        double[] rc = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          rw[r] = wall[a][r] / wall[b][r];
          rc[r] = cpu[a][r] / cpu[b][r];
        }
        double[] sorted = rw.clone();
        Arrays.sort(sorted);
        System.out.printf(
            Locale.ROOT,
            "ratio %s / %s: %.2fx wall (%.2f-%.2f), %.2fx cpu%n",
            variants.get(a).name(),
            variants.get(b).name(),
            Stats.median(rw),
            sorted[0],
            sorted[rounds - 1],
            Stats.median(rc));
      }
    }
    if (scaled != null) {
      Files.delete(scaled);
    }
  }

  /**
   * A temporary data file holding every conversation of {@code data} and, after them, a copy of
   * each conversation named in {@code ids} under the sample id {@code ID-copy}: a stand-in of
   * another size (the public file's 10 conversations, 1,986 questions, from the 7 of the dev file)
   * that is written outside the repository and deleted at the end, as the data's licence asks.
   */
  static Path withCopies(Path data, List<String> ids) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode all = json.readTree(data.toFile());
    ArrayNode out = json.createArrayNode();
    all.forEach(out::add);
    int questions = 0;
    for (JsonNode c : all) {
      questions += c.path("qa").size();
    }
    for (String id : ids) {
      JsonNode found = null;
      for (JsonNode c : all) {
        if (c.path("sample_id").asText().equals(id.strip())) {
          found = c;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("bench.copies: no conversation " + id + " in " + data);
      }
      ObjectNode copy = found.deepCopy();
      copy.put("sample_id", id.strip() + "-copy");
      out.add(copy);
      questions += found.path("qa").size();
    }
    Path file = Files.createTempFile("memdir-locomo-scaled", ".json");
    json.writeValue(file.toFile(), out);
    System.out.printf(
        Locale.ROOT, "data: %d conversations, %d questions (%s)%n", out.size(), questions, file);
    return file;
  }

  private static List<String> split(String flags) {
    List<String> out = new ArrayList<>();
    for (String f : flags.strip().split("\\s+")) {
      if (!f.isEmpty()) {
        out.add(f);
      }
    }
    return out;
  }

  /** Wall and CPU seconds (user + system, children included) of one child process. */
  private static double[] time(List<String> command, String memdirOpts) throws Exception {
    File times = File.createTempFile("memdir-time", ".txt");
    List<String> cmd = new ArrayList<>();
    boolean gnuTime = new File("/usr/bin/time").canExecute();
    if (gnuTime) {
      cmd.addAll(List.of("/usr/bin/time", "-f", "%U %S", "-o", times.toString()));
    }
    cmd.addAll(command);
    long t0 = System.nanoTime();
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    if (!memdirOpts.isEmpty()) {
      pb.environment().put("MEMDIR_JAVA_OPTS", memdirOpts);
    }
    Process p = pb.start();
    int code = p.waitFor();
    double wall = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      throw new IllegalStateException("exit " + code + ": " + String.join(" ", command));
    }
    double cpu = Double.NaN;
    if (gnuTime) {
      String[] f = Files.readString(times.toPath()).strip().split("\\s+");
      cpu = Double.parseDouble(f[f.length - 2]) + Double.parseDouble(f[f.length - 1]);
    }
    Files.deleteIfExists(times.toPath());
    return new double[] {wall, cpu};
  }

  /** The baseline: parse, one in-memory index per conversation, every question's top 50. */
  static void baseline(Path data) throws Exception {
    long t0 = System.nanoTime();
    JsonNode root = new ObjectMapper().readTree(data.toFile());
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<double[]>> parts = new ArrayList<>();
    for (JsonNode conv : root) {
      parts.add(pool.submit(() -> conversation(conv)));
    }
    double found = 0;
    int questions = 0;
    for (Future<double[]> f : parts) {
      double[] r = f.get();
      found += r[0];
      questions += (int) r[1];
    }
    pool.shutdown();
    System.out.printf(
        Locale.ROOT,
        "%d questions, R@10 %.1f, %d ms%n",
        questions,
        100 * found / questions,
        (System.nanoTime() - t0) / 1_000_000);
  }

  private static double[] conversation(JsonNode conv) throws IOException {
    Analyzer analyzer = new EnglishAnalyzer();
    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    JsonNode c = conv.get("conversation");
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(analyzer))) {
      for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        Matcher m = SESSION.matcher(key);
        if (!m.matches() || !c.get(key).isArray()) {
          continue;
        }
        String date = c.path(key + "_date_time").asText("");
        for (JsonNode t : c.get(key)) {
          Document d = new Document();
          d.add(new StoredField("id", t.path("dia_id").asText()));
          d.add(
              new TextField(
                  "text",
                  t.path("speaker").asText()
                      + ": "
                      + t.path("text").asText()
                      + " "
                      + t.path("blip_caption").asText("")
                      + " "
                      + date,
                  Field.Store.NO));
          w.addDocument(d);
        }
      }
    }
    double found = 0;
    int n = 0;
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      IndexSearcher s = new IndexSearcher(r);
      StoredFields stored = r.storedFields();
      for (JsonNode q : conv.get("qa")) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        try (TokenStream ts = analyzer.tokenStream("text", q.path("question").asText())) {
          CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
          ts.reset();
          while (ts.incrementToken()) {
            b.add(new TermQuery(new Term("text", term.toString())), BooleanClause.Occur.SHOULD);
          }
          ts.end();
        }
        TopDocs top = s.search(b.build(), 50);
        List<String> ids = new ArrayList<>();
        for (ScoreDoc sd : top.scoreDocs) {
          ids.add(stored.document(sd.doc).get("id"));
        }
        Set<String> first10 = new HashSet<>(ids.subList(0, Math.min(10, ids.size())));
        JsonNode ev = q.path("evidence");
        if (ev.isEmpty()) {
          found += 1;
        } else {
          int hit = 0;
          for (JsonNode e : ev) {
            hit += first10.contains(e.asText()) ? 1 : 0;
          }
          found += (double) hit / ev.size();
        }
        n++;
      }
    }
    return new double[] {found, n};
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
