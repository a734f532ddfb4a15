package dev.visage.server.gallery;

/**
 * How face vectors are indexed and searched. The defaults come from the sweep in docs/BENCHMARKS.md.
 *
 * @param maxConnections HNSW: neighbours per graph node (Lucene's M); more is better recall, more memory
 * @param beamWidth HNSW: candidates examined while inserting; more is better graph, slower indexing
 * @param encoding how vectors are stored for search
 * @param searchK how many nearest faces a search collects before grouping them by person
 */
public record VectorIndexSettings(int maxConnections, int beamWidth, VectorEncoding encoding, int searchK) {

  public static final VectorIndexSettings DEFAULT = new VectorIndexSettings(64, 100, VectorEncoding.FLOAT32, 100);

  public VectorIndexSettings {
    if (maxConnections < 2 || maxConnections > 512) {
      throw new IllegalArgumentException("HNSW max connections lies between 2 and 512, got " + maxConnections);
    }
    if (beamWidth < 1 || beamWidth > 3200) {
      throw new IllegalArgumentException("HNSW beam width lies between 1 and 3200, got " + beamWidth);
    }
    if (searchK < 1 || searchK > 10_000) {
      throw new IllegalArgumentException("search k lies between 1 and 10000, got " + searchK);
    }
  }

  /** Vector storage formats. Quantised ones keep the full vectors too, for re-scoring and merges. */
  public enum VectorEncoding {
    /** 32-bit floats. */
    FLOAT32,
    /** Scalar-quantised to 8 bits per value: about a quarter of the search memory. */
    INT8,
    /** Scalar-quantised to 4 bits per value. */
    INT4
  }
}
