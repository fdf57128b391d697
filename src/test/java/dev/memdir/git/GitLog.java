package dev.memdir.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;

/** Reads a test repository's commits, newest first. */
final class GitLog {
  private GitLog() {}

  /** The subject lines of HEAD's history, oldest first. */
  static List<String> subjects(Path workTree) throws Exception {
    List<String> out = new ArrayList<>();
    try (Git g = Git.open(workTree.toFile())) {
      for (RevCommit c : g.log().call()) {
        out.add(0, c.getShortMessage());
      }
    }
    return out;
  }

  /** The paths of HEAD's tree. */
  static List<String> paths(Path workTree) throws Exception {
    List<String> out = new ArrayList<>();
    try (Git g = Git.open(workTree.toFile());
        var tw = new org.eclipse.jgit.treewalk.TreeWalk(g.getRepository())) {
      tw.addTree(g.getRepository().parseCommit(g.getRepository().resolve("HEAD")).getTree());
      tw.setRecursive(true);
      while (tw.next()) {
        out.add(tw.getPathString());
      }
    }
    return out;
  }

  /** The full message of HEAD. */
  static String headMessage(Path workTree) throws Exception {
    try (Git g = Git.open(workTree.toFile())) {
      return g.log().setMaxCount(1).call().iterator().next().getFullMessage();
    }
  }
}
