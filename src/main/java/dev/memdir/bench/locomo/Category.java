package dev.memdir.bench.locomo;

import java.util.List;

/**
 * LoCoMo's question categories, with the names of both label conventions: LoCoMo's own (the numbers
 * in the data) and the one the Mem0 paper and its followers use.
 *
 * @param number the category number in the data
 * @param locomoName the name in the LoCoMo paper
 * @param mem0Name the name in the Mem0 paper's convention
 */
public record Category(int number, String locomoName, String mem0Name) {
  /** Categories 1 to 5. */
  public static final List<Category> ALL =
      List.of(
          new Category(1, "multi-hop", "single-hop"),
          new Category(2, "temporal", "temporal"),
          new Category(3, "open-domain", "multi-hop"),
          new Category(4, "single-hop", "open-domain"),
          new Category(5, "adversarial", "adversarial"));

  /** The category with this number. */
  public static Category of(int number) {
    if (number < 1 || number > 5) {
      throw new IllegalArgumentException("unknown LoCoMo category " + number + " (known: 1 to 5)");
    }
    return ALL.get(number - 1);
  }
}
