package dev.visage.server.gallery;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.BytesRef;

/**
 * Turns vector-search hits into face and person ids. The ids are read from doc values, a few bytes
 * per face read straight from the index files: loading them as stored fields decompresses a block
 * of documents per hit, which cost more than the vector search itself once a search collects a few
 * hundred candidates. Faces written before the doc values existed fall back to stored fields.
 */
final class FaceHitReader {

  private static final String PERSON_VALUES = "face_person_dv";
  private static final String FACE_VALUES = "face_id_dv";

  private final String storedFaceId;
  private final String storedPersonId;

  FaceHitReader(String storedFaceId, String storedPersonId) {
    this.storedFaceId = storedFaceId;
    this.storedPersonId = storedPersonId;
  }

  /** The doc-value fields a face document carries for this reader. */
  static void addTo(Document face, String faceId, String personId) {
    face.add(new SortedDocValuesField(PERSON_VALUES, new BytesRef(personId)));
    face.add(new BinaryDocValuesField(FACE_VALUES, new BytesRef(faceId)));
  }

  /** The hits' ids, in the hits' order; {@code similarity} is the hit's similarity from its score. */
  List<FaceHit> read(IndexSearcher searcher, ScoreDoc[] hits, Similarity similarity) throws IOException {
    FaceHit[] faces = new FaceHit[hits.length];
    // Doc values are read forward only: visit the hits in document order.
    Integer[] order = new Integer[hits.length];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingInt(i -> hits[i].doc));
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    int leafIndex = -1;
    SortedDocValues persons = null;
    BinaryDocValues faceIds = null;
    StoredFields stored = null;
    for (int i : order) {
      int doc = hits[i].doc;
      int leaf = ReaderUtil.subIndex(doc, leaves);
      LeafReaderContext context = leaves.get(leaf);
      if (leaf != leafIndex) {
        leafIndex = leaf;
        persons = context.reader().getSortedDocValues(PERSON_VALUES);
        faceIds = context.reader().getBinaryDocValues(FACE_VALUES);
      }
      int local = doc - context.docBase;
      float score = similarity.of(hits[i].score);
      if (persons != null && faceIds != null && persons.advanceExact(local) && faceIds.advanceExact(local)) {
        faces[i] = new FaceHit(faceIds.binaryValue().utf8ToString(), persons.lookupOrd(persons.ordValue()).utf8ToString(), score);
      } else {
        if (stored == null) {
          stored = searcher.storedFields();
        }
        Document face = stored.document(doc, Set.of(storedFaceId, storedPersonId));
        faces[i] = new FaceHit(face.get(storedFaceId), face.get(storedPersonId), score);
      }
    }
    return Arrays.asList(faces);
  }

  /** Lucene's score of a hit, as the similarity the gallery reports. */
  interface Similarity {
    float of(float luceneScore);
  }
}
