package dev.memdir.bench;

import dev.memdir.Agent;
import dev.memdir.InitOptions;
import dev.memdir.search.ReindexReport;
import dev.memdir.search.Search;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Index build rate and {@code search_files} latency (warm, in-process, freshness check included) on
 * an agent with 10,000 conversation turns, against two baselines measured in the same run: a plain
 * Lucene BM25 search over the same turns in memory, and the bare {@code lstat} walk of {@code
 * files/} that the freshness check performs.
 *
 * <p>Arguments: files, turns per file (default 40 x 250 = 10,000 passages), queries (5,000).
 */
public final class SearchBenchmark {
  private SearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int turns = args.length > 1 ? Integer.parseInt(args[1]) : 250;
    int queries = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
    Path tmp = Files.createTempDirectory("memdir-search-bench");
    try {
      run(tmp, files, turns, queries);
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void run(Path tmp, int files, int turns, int queries) throws Exception {
    Path dir = tmp.resolve("agent");
    Agent.init(dir, InitOptions.defaults()).close();
    SyntheticText text = new SyntheticText(42, 20_000);
    text.writeConversations(dir.resolve("files"), files, turns);
    System.out.printf(
        "agent: %d conversation logs x %d turns = %d passages%n", files, turns, files * turns);

    try (Agent agent = Agent.open(dir)) {
      Search search = agent.search();
      double[] build = new double[3];
      int passages = 0;
      for (int i = 0; i < build.length; i++) {
        ReindexReport r = search.reindex();
        build[i] = r.took().toNanos() / 1e9;
        passages = r.passages();
      }
      double buildMedian = Stats.median(build);
      System.out.printf(
          "index build (reindex, 3 runs): median %.3f s = %.0f passages/s%n",
          buildMedian, passages / buildMedian);

      List<String> qs = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        qs.add(text.query());
      }
      // Warm up for 3 s: the JIT, and files leave the 2-second window in which they are hashed.
      long until = System.nanoTime() + 3_000_000_000L;
      for (int i = 0; System.nanoTime() < until; i++) {
        search.searchFiles(qs.get(i % qs.size()), 10, Optional.empty());
      }
      double[] ms = new double[queries];
      long hits = 0;
      for (int i = 0; i < queries; i++) {
        long t0 = System.nanoTime();
        hits += search.searchFiles(qs.get(i), 10, Optional.empty()).hits().size();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      double[] speaker = new double[queries];
      for (int i = 0; i < queries; i++) {
        long t0 = System.nanoTime();
        search.searchFiles(qs.get(i), 10, Optional.of("Ann"));
        speaker[i] = (System.nanoTime() - t0) / 1e6;
      }
      double[] walk = statWalk(dir.resolve("files"), queries);
      double[] lucene = plainLucene(dir.resolve("files"), qs);
      System.out.printf(
          "search_files (limit 10, freshness check included): p50 %.3f ms, p95 %.3f ms (%.1f"
              + " hits/query)%n",
          Stats.median(ms), Stats.percentile(ms, 95), hits / (double) queries);
      System.out.printf(
          "search_files with speaker:                         p50 %.3f ms, p95 %.3f ms%n",
          Stats.median(speaker), Stats.percentile(speaker, 95));
      System.out.printf(
          "baseline lstat walk of files/ alone:               p50 %.3f ms, p95 %.3f ms%n",
          Stats.median(walk), Stats.percentile(walk, 95));
      System.out.printf(
          "baseline plain Lucene BM25, top 10, in memory:     p50 %.3f ms, p95 %.3f ms%n",
          Stats.median(lucene), Stats.percentile(lucene, 95));
      System.out.printf(
          "ratio search_files / plain Lucene (p50): %.2f%n",
          Stats.median(ms) / Stats.median(lucene));
    }
  }

  private static double[] statWalk(Path files, int n) throws IOException {
    double[] ms = new double[n];
    for (int i = -200; i < n; i++) {
      long t0 = System.nanoTime();
      try (var ds = Files.newDirectoryStream(files)) {
        for (Path p : ds) {
          Files.readAttributes(
              p,
              "unix:size,lastModifiedTime,nlink,isRegularFile,isDirectory,isSymbolicLink",
              LinkOption.NOFOLLOW_LINKS);
        }
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return ms;
  }

  private static double[] plainLucene(Path files, List<String> qs) throws IOException {
    StandardAnalyzer analyzer = new StandardAnalyzer();
    ByteBuffersDirectory d = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(d, new IndexWriterConfig(analyzer))) {
      try (Stream<Path> s = Files.list(files)) {
        for (Path p : (Iterable<Path>) s.sorted()::iterator) {
          for (String line : Files.readAllLines(p)) {
            if (line.startsWith("Ann: ") || line.startsWith("Bob: ")) {
              Document doc = new Document();
              doc.add(new TextField("t", line.substring(5), Field.Store.YES));
              w.addDocument(doc);
            }
          }
        }
      }
    }
    double[] ms = new double[qs.size()];
    try (DirectoryReader r = DirectoryReader.open(d)) {
      IndexSearcher s = new IndexSearcher(r);
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < qs.size(); i++) {
          long t0 = System.nanoTime();
          BooleanQuery.Builder b = new BooleanQuery.Builder();
          for (String word : qs.get(i).split(" ")) {
            b.add(new TermQuery(new Term("t", word)), BooleanClause.Occur.SHOULD);
          }
          var top = s.search(b.build(), 10);
          for (var sd : top.scoreDocs) {
            s.storedFields().document(sd.doc);
          }
          ms[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    return ms;
  }
}
