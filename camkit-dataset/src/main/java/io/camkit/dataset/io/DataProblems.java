package io.camkit.dataset.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.camkit.core.AtomicFiles;
import io.camkit.core.CamkitException;
import io.camkit.core.DataProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The problems a dataset reader meets, one {@link DataProblem} per bad file or entry, in the order
 * met. A lenient read ({@code strict = false}) collects them and goes on with the rest of the
 * folder; a strict read turns the first one into a {@link CamkitException}. Also writes them as
 * {@code problems.json} and says them in one summary line.
 */
public final class DataProblems {
  /** The file a run writes beside its outputs. */
  public static final String FILE = "problems.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean strict;
  private final List<DataProblem> problems = new ArrayList<>();

  /** @param strict whether the first problem ends the read with a {@link CamkitException} */
  public DataProblems(boolean strict) {
    this.strict = strict;
  }

  /** Records a problem, or throws it when the read is strict. */
  public void report(DataProblem p) {
    if (strict) {
      throw new CamkitException(p.file() + ": " + p.reason() + " (a strict read stops at the first data problem;"
          + " read with strict = false to skip and report such files)");
    }
    problems.add(p);
  }

  /** Records a problem with {@code file}. */
  public void report(Path file, DataProblem.Kind kind, String reason, boolean skipped) {
    report(new DataProblem(file.toString(), kind, reason, skipped));
  }

  /** The problems so far, in the order met. */
  public List<DataProblem> list() {
    return List.copyOf(problems);
  }

  /**
   * {@code "no readable annotated image in DIR"}, with the first problem when there is one (when
   * every image was skipped, that one usually says why).
   */
  CamkitException nothingUsable(String what) {
    return new CamkitException(what + (problems.isEmpty() ? "" : " (first problem: " + problems.get(0) + ")"));
  }

  /**
   * One line: {@code N images, M skipped: 2 unreadable image, 1 bad box; K kept with problems: 1
   * partly decoded image}, counting problems by kind. {@code images} is the number of images used.
   */
  public static String summary(int images, List<DataProblem> problems) {
    List<DataProblem> skipped = problems.stream().filter(DataProblem::skipped).toList();
    List<DataProblem> kept = problems.stream().filter(p -> !p.skipped()).toList();
    StringBuilder sb = new StringBuilder().append(images).append(images == 1 ? " image, " : " images, ")
        .append(skipped.size()).append(" skipped");
    if (!skipped.isEmpty()) {
      sb.append(": ").append(byKind(skipped));
    }
    if (!kept.isEmpty()) {
      sb.append("; ").append(kept.size()).append(" used with a problem: ").append(byKind(kept));
    }
    return sb.toString();
  }

  private static String byKind(List<DataProblem> problems) {
    Map<DataProblem.Kind, Long> counts = problems.stream()
        .collect(Collectors.groupingBy(DataProblem::kind, LinkedHashMap::new, Collectors.counting()));
    return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().words())
        .collect(Collectors.joining(", "));
  }

  /**
   * Writes {@code file} atomically: {@code {"images": N, "skipped": M, "summary": "…", "problems":
   * [{"file", "kind", "reason", "skipped"}, …]}}.
   */
  public static void writeJson(int images, List<DataProblem> problems, Path file) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("images", images);
    root.put("skipped", problems.stream().filter(DataProblem::skipped).count());
    root.put("summary", summary(images, problems));
    root.set("problems", JSON.valueToTree(problems));
    AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
  }
}
