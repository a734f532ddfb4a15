package dev.visage.server.gallery;

import java.util.concurrent.ExecutorService;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Lucene's default codec with the gallery's HNSW parameters and vector encoding.
 *
 * <p>It keeps the default codec's name: the parameters only matter when writing, and every segment
 * records its vector format by name, so any Lucene of this version reads the index back without
 * this class.
 */
final class GalleryCodec extends FilterCodec {

  private final KnnVectorsFormat vectors;

  /**
   * @param mergeExecutor threads that build merged HNSW graphs together ({@code mergeWorkers} of
   *     them), or null to build them on the merging thread alone
   */
  GalleryCodec(VectorIndexSettings settings, int mergeWorkers, ExecutorService mergeExecutor) {
    super(Codec.getDefault().getName(), Codec.getDefault());
    int workers = mergeExecutor == null ? 1 : mergeWorkers;
    int m = settings.maxConnections();
    int beam = settings.beamWidth();
    KnnVectorsFormat format = switch (settings.encoding()) {
      case FLOAT32 -> new Lucene99HnswVectorsFormat(m, beam, workers, mergeExecutor);
      case INT8 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.UNSIGNED_BYTE, m, beam, workers, mergeExecutor);
      case INT4 -> new Lucene104HnswScalarQuantizedVectorsFormat(ScalarEncoding.PACKED_NIBBLE, m, beam, workers, mergeExecutor);
    };
    this.vectors = new PerFieldKnnVectorsFormat() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
  }

  @Override
  public KnnVectorsFormat knnVectorsFormat() {
    return vectors;
  }
}
