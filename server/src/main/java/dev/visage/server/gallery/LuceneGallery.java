package dev.visage.server.gallery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded gallery: a Lucene index on local disk.
 *
 * <p>One document per person (id, name, creation time) and one per face (face id, person id,
 * vector as an HNSW-indexed {@link KnnFloatVectorField} compared by dot product, model id, where
 * the face was in its photo, creation time). Deleting a person deletes every document carrying
 * their id.
 *
 * <p>Writes are serialised and committed (fsync) before they return, then the near-real-time
 * searcher is refreshed, so an acknowledged change survives a crash and the next read sees it. A
 * write that fails is rolled back: readers never see a change that was not committed. The model
 * id and vector length are stored in the commit data and checked on open.
 */
public final class LuceneGallery implements Gallery {

  private static final Logger log = LoggerFactory.getLogger(LuceneGallery.class);

  // Field names.
  private static final String TYPE = "type";
  private static final String PERSON_ID = "person_id";
  private static final String PERSON_KEY = "person_key";
  private static final String PERSON_SORT = "person_sort";
  private static final String NAME = "name";
  private static final String NAME_LOWER = "name_lower";
  private static final String NAME_SORT = "name_sort";
  private static final String FACE_ID = "face_id";
  private static final String MODEL_ID = "model_id";
  private static final String VECTOR = "vector";
  private static final String ORIGIN = "origin";
  private static final String CREATED = "created";

  private static final String PERSON = "person";
  private static final String FACE = "face";

  // Commit user data.
  private static final String DATA_MODEL = "visage.model_id";
  private static final String DATA_DIMENSION = "visage.dimension";
  private static final String DATA_SCHEMA = "visage.schema";
  private static final String SCHEMA_VERSION = "1";

  private static final Query ALL_PERSONS = new TermQuery(new Term(TYPE, PERSON));
  private static final Query ALL_FACES = new TermQuery(new Term(TYPE, FACE));
  private static final Sort BY_NAME = new Sort(
      new SortField(NAME_SORT, SortField.Type.STRING), new SortField(PERSON_SORT, SortField.Type.STRING));
  private static final int MAX_FACES_PER_PERSON = 10_000;
  private static final FaceHitReader HIT_READER = new FaceHitReader(FACE_ID, PERSON_ID);

  private final Path path;
  private final Directory directory;
  private final String modelId;
  private final int dimension;
  private final VectorIndexSettings settings;
  private final ReentrantLock writeLock = new ReentrantLock();
  /** Builds the HNSW graph of a merged segment on every core (a 1M-face merge takes minutes on one). */
  private final int mergeWorkers = Runtime.getRuntime().availableProcessors();
  private final ExecutorService mergeExecutor = mergeWorkers < 2 ? null
      : Executors.newFixedThreadPool(mergeWorkers, Thread.ofPlatform().daemon().name("gallery-merge-", 0).factory());
  private final java.util.concurrent.atomic.AtomicLong revision = new java.util.concurrent.atomic.AtomicLong();
  private volatile IndexWriter writer;
  private volatile SearcherManager searchers;

  private LuceneGallery(Path path, Directory directory, String modelId, int dimension, VectorIndexSettings settings)
      throws IOException {
    this.path = path;
    this.directory = directory;
    this.modelId = modelId;
    this.dimension = dimension;
    this.settings = settings;
    openWriter();
  }

  /**
   * Opens the gallery in a directory, creating it if needed.
   *
   * @throws GalleryModelMismatchException if it holds vectors of another model or length
   * @throws GalleryStorageException if it cannot be opened (in use by another process, unreadable)
   */
  public static LuceneGallery open(Path path, String modelId, int dimension, VectorIndexSettings settings) {
    try {
      java.nio.file.Files.createDirectories(path);
      return open(path, FSDirectory.open(path), modelId, dimension, settings);
    } catch (IOException e) {
      throw new GalleryStorageException("the gallery at " + path.toAbsolutePath() + " cannot be opened: "
          + e.getMessage() + "; check that the directory exists and is writable", e);
    }
  }

  /** The model and vector length a gallery on disk was stamped with. */
  public record ModelStamp(String modelId, int dimension) {}

  /**
   * Reads which model a gallery directory holds, without opening it for writing.
   *
   * @throws GalleryStorageException when there is no Visage gallery there
   */
  public static ModelStamp stampOf(Path path) {
    try (Directory directory = FSDirectory.open(path)) {
      Map<String, String> data = org.apache.lucene.index.SegmentInfos.readLatestCommit(directory).getUserData();
      String model = data.get(DATA_MODEL);
      if (model == null) {
        throw new GalleryStorageException("the index at " + path.toAbsolutePath() + " has no Visage model stamp", null);
      }
      return new ModelStamp(model, Integer.parseInt(data.getOrDefault(DATA_DIMENSION, "0")));
    } catch (IOException e) {
      throw new GalleryStorageException("there is no readable gallery at " + path.toAbsolutePath() + " ("
          + e.getMessage() + "); point --data-dir at the server's data folder", e);
    }
  }

  /** Opens the gallery in a Lucene directory (which it then owns); {@code path} names it in messages. */
  static LuceneGallery open(Path path, Directory directory, String modelId, int dimension, VectorIndexSettings settings) {
    try {
      LuceneGallery gallery = new LuceneGallery(path, directory, modelId, dimension, settings);
      GalleryStats stats = gallery.stats();
      log.info("Gallery at {}: {} persons, {} faces ({}, HNSW M={} beam={}, {})", path.toAbsolutePath(),
          stats.persons(), stats.faces(), modelId, settings.maxConnections(), settings.beamWidth(),
          settings.encoding());
      return gallery;
    } catch (LockObtainFailedException e) {
      closeQuietly(directory);
      throw new GalleryStorageException("the gallery at " + path.toAbsolutePath()
          + " is in use by another Visage server; stop it or choose another --data-dir", e);
    } catch (IOException e) {
      closeQuietly(directory);
      throw new GalleryStorageException("the gallery at " + path.toAbsolutePath() + " cannot be opened: "
          + e.getMessage() + "; check that the directory exists and is writable", e);
    } catch (RuntimeException e) {
      closeQuietly(directory);
      throw e;
    }
  }

  private void openWriter() throws IOException {
    IndexWriterConfig config = new IndexWriterConfig()
        .setRAMBufferSizeMB(64)
        .setCodec(new GalleryCodec(settings, mergeWorkers, mergeExecutor))
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
        .setMergePolicy(purgingMergePolicy())
        .setCommitOnClose(false);
    IndexWriter opened = new IndexWriter(directory, config);
    try {
      checkOrStampModel(opened);
      this.writer = opened;
      this.searchers = new SearcherManager(opened, true, false, null);
    } catch (IOException | RuntimeException e) {
      opened.rollback();
      throw e;
    }
  }

  private void checkOrStampModel(IndexWriter opened) throws IOException {
    Map<String, String> data = new HashMap<>();
    Iterable<Map.Entry<String, String>> live = opened.getLiveCommitData();
    if (live != null) {
      live.forEach(e -> data.put(e.getKey(), e.getValue()));
    }
    String storedModel = data.get(DATA_MODEL);
    if (storedModel == null) {
      if (opened.getDocStats().numDocs > 0) {
        throw new GalleryModelMismatchException("the index at " + path.toAbsolutePath()
            + " was not written by Visage (it has no model id); point --data-dir at another directory");
      }
      opened.setLiveCommitData(Map.of(
          DATA_MODEL, modelId, DATA_DIMENSION, Integer.toString(dimension), DATA_SCHEMA, SCHEMA_VERSION).entrySet());
      opened.commit();
      return;
    }
    String storedDimension = data.getOrDefault(DATA_DIMENSION, "?");
    if (!storedModel.equals(modelId) || !storedDimension.equals(Integer.toString(dimension))) {
      throw new GalleryModelMismatchException("the gallery at " + path.toAbsolutePath()
          + " holds vectors made by the model " + storedModel + " (" + storedDimension
          + " values), but this server runs " + modelId + " (" + dimension + " values). Vectors of "
          + "different models cannot be compared: re-enroll everyone into a new gallery "
          + "(start with another --data-dir), or run the model the gallery was made with.");
    }
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  // ---- writes ------------------------------------------------------------------------------

  @Override
  public Enrollment createPerson(String displayName, List<NewFace> faces) {
    if (faces.isEmpty()) {
      throw new IllegalArgumentException("a new person needs at least one face");
    }
    faces.forEach(face -> checkVector(face.vector()));
    String personId = UUID.randomUUID().toString();
    Instant now = Instant.now();
    return write(w -> {
      List<Document> documents = new ArrayList<>(faces.size() + 1);
      documents.add(personDocument(personId, displayName, now));
      List<String> faceIds = faceDocuments(personId, faces, now, documents);
      w.addDocuments(documents);
      return new Enrollment(new PersonRecord(personId, displayName, faces.size(), now, List.of()), faceIds);
    });
  }

  @Override
  public Enrollment addFaces(String personId, List<NewFace> faces) {
    if (faces.isEmpty()) {
      throw new IllegalArgumentException("no faces to add");
    }
    faces.forEach(face -> checkVector(face.vector()));
    Instant now = Instant.now();
    return write(w -> {
      PersonRecord person = read(s -> findPerson(s, personId));
      List<Document> documents = new ArrayList<>(faces.size());
      List<String> faceIds = faceDocuments(personId, faces, now, documents);
      w.addDocuments(documents);
      return new Enrollment(new PersonRecord(person.personId(), person.displayName(),
          person.faceCount() + faces.size(), person.createTime(), List.of()), faceIds);
    });
  }

  @Override
  public PersonRecord renamePerson(String personId, String displayName) {
    PersonRecord renamed = write(w -> {
      PersonRecord person = read(s -> findPerson(s, personId));
      w.updateDocument(new Term(PERSON_KEY, personId), personDocument(personId, displayName, person.createTime()));
      return new PersonRecord(personId, displayName, person.faceCount(), person.createTime(), List.of());
    });
    revision.incrementAndGet();
    return renamed;
  }

  @Override
  public int deletePerson(String personId) {
    int deleted = write(w -> {
      PersonRecord person = read(s -> findPerson(s, personId));
      w.deleteDocuments(new Term(PERSON_ID, personId));
      return person.faceCount();
    });
    revision.incrementAndGet();
    return deleted;
  }

  @Override
  public FaceDeletion deleteFace(String faceId) {
    return write(w -> {
      FaceDeletion result = read(s -> {
        TopDocs hits = s.search(new TermQuery(new Term(FACE_ID, faceId)), 1);
        if (hits.scoreDocs.length == 0) {
          throw new NotFoundException("face", faceId);
        }
        String personId = s.storedFields().document(hits.scoreDocs[0].doc, Set.of(PERSON_ID)).get(PERSON_ID);
        return new FaceDeletion(personId, countFaces(s, personId) - 1);
      });
      w.deleteDocuments(new Term(FACE_ID, faceId));
      return result;
    });
  }

  private interface WriteStep<T> {
    T apply(IndexWriter writer) throws IOException;
  }

  /**
   * Adds whole persons with their ids, names, times and faces as they were (from an export, a
   * backup, a benchmark), in one durable step. Persons whose id is already here are replaced.
   */
  @Override
  public void importPersons(List<ImportedPerson> persons) {
    for (ImportedPerson person : persons) {
      person.faces().forEach(face -> checkVector(face.vector()));
    }
    write(w -> {
      for (ImportedPerson person : persons) {
        w.deleteDocuments(new Term(PERSON_ID, person.personId()));
        List<Document> documents = new ArrayList<>(person.faces().size() + 1);
        documents.add(personDocument(person.personId(), person.displayName(), person.createTime()));
        for (ImportedPerson.ImportedFace face : person.faces()) {
          documents.add(faceDocument(face.faceId(), person.personId(), new NewFace(face.vector(), face.origin()),
              face.createTime()));
        }
        w.addDocuments(documents);
      }
      return null;
    });
    revision.incrementAndGet();
  }

  /**
   * Hands every person, with their faces and vectors, to {@code sink}, in name order, from one
   * consistent view of the gallery (changes made meanwhile are not seen). Memory stays small: one
   * person at a time, plus a map from documents to vectors of a few bytes per document.
   */
  @Override
  public void exportPersons(java.util.function.Consumer<ImportedPerson> sink) {
    read(s -> {
      Map<Integer, int[]> ordinals = new HashMap<>();
      for (org.apache.lucene.index.LeafReaderContext leaf : s.getIndexReader().leaves()) {
        org.apache.lucene.index.FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        int[] ordinalOfDoc = new int[leaf.reader().maxDoc()];
        java.util.Arrays.fill(ordinalOfDoc, -1);
        for (int ord = 0; values != null && ord < values.size(); ord++) {
          ordinalOfDoc[values.ordToDoc(ord)] = ord;
        }
        ordinals.put(leaf.ord, ordinalOfDoc);
      }
      StoredFields stored = s.storedFields();
      TopDocs persons = s.search(ALL_PERSONS, Math.max(1, s.count(ALL_PERSONS)), new Sort(new SortField(PERSON_SORT, SortField.Type.STRING)));
      for (ScoreDoc personHit : persons.scoreDocs) {
        Document person = stored.document(personHit.doc);
        String personId = person.get(PERSON_ID);
        Query faceQuery = new BooleanQuery.Builder().add(ALL_FACES, Occur.FILTER)
            .add(new TermQuery(new Term(PERSON_ID, personId)), Occur.FILTER).build();
        List<ImportedPerson.ImportedFace> faces = new ArrayList<>();
        for (ScoreDoc faceHit : s.search(faceQuery, MAX_FACES_PER_PERSON).scoreDocs) {
          org.apache.lucene.index.LeafReaderContext leaf = s.getIndexReader().leaves()
              .get(org.apache.lucene.index.ReaderUtil.subIndex(faceHit.doc, s.getIndexReader().leaves()));
          int ord = ordinals.get(leaf.ord)[faceHit.doc - leaf.docBase];
          float[] vector = leaf.reader().getFloatVectorValues(VECTOR).vectorValue(ord).clone();
          FaceRecord face = faceFrom(stored.document(faceHit.doc));
          faces.add(new ImportedPerson.ImportedFace(face.faceId(), vector, face.origin(), face.createTime()));
        }
        faces.sort(java.util.Comparator.comparing(ImportedPerson.ImportedFace::createTime)
            .thenComparing(ImportedPerson.ImportedFace::faceId));
        sink.accept(new ImportedPerson(personId, person.get(NAME),
            Instant.ofEpochMilli(person.getField(CREATED).numericValue().longValue()), faces));
      }
      return null;
    });
  }

  /**
   * Copies the files of the last commit (every acknowledged change) to {@code target}, holding the
   * write lock so that no commit replaces them meanwhile; searches go on. The copy is an index of
   * its own: it opens as a gallery.
   */
  @Override
  public BackupResult backup(Path target) {
    writeLock.lock();
    try {
      if (java.nio.file.Files.exists(target)) {
        try (var entries = java.nio.file.Files.list(target)) {
          if (entries.findAny().isPresent()) {
            throw new IllegalArgumentException("the backup folder " + target + " is not empty; name a new one");
          }
        }
      }
      java.nio.file.Files.createDirectories(target);
      org.apache.lucene.index.SegmentInfos commit = org.apache.lucene.index.SegmentInfos.readLatestCommit(directory);
      long bytes = 0;
      int files = 0;
      try (Directory copy = FSDirectory.open(target)) {
        for (String file : commit.files(true)) {
          copy.copyFrom(directory, file, file, org.apache.lucene.store.IOContext.DEFAULT);
          bytes += directory.fileLength(file);
          files++;
        }
        copy.sync(commit.files(true));
        copy.syncMetaData();
      }
      GalleryStats stats = stats();
      return new BackupResult(target, files, bytes, stats.persons(), stats.faces());
    } catch (IOException e) {
      throw new GalleryStorageException("the backup to " + target + " failed (" + e.getMessage()
          + "); the gallery itself is unchanged. Check the folder, its free space and permissions.", e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Merges the index into one segment: searches get as fast as they can be, at the cost of
   * rewriting the whole index (minutes for millions of faces). Reads continue meanwhile.
   */
  public void optimize() {
    write(w -> {
      w.forceMerge(1);
      return null;
    });
  }

  /**
   * Deleted documents stay in their segment's files, vectors included, until a merge rewrites the
   * segment; this rewrites every segment that has any, now.
   */
  @Override
  public int purgeDeleted() {
    return write(w -> {
      IndexWriter.DocStats before = w.getDocStats();
      w.forceMergeDeletes(true);
      return before.maxDoc - before.numDocs;
    });
  }

  /**
   * Lucene's default merge policy, except that a purge rewrites every segment holding a deleted
   * record: by default segments with under 10 % deletions are left as they are, and a deleted
   * face's vector would stay in the files.
   */
  private static TieredMergePolicy purgingMergePolicy() {
    TieredMergePolicy policy = new TieredMergePolicy();
    policy.setForceMergeDeletesPctAllowed(0);
    return policy;
  }

  /** Segments in the index now (each one an HNSW graph that a search visits). */
  public int segments() {
    return read(s -> s.getIndexReader().leaves().size());
  }

  /**
   * Runs a change, commits it and refreshes the searcher, one change at a time. A change that
   * fails before its commit completes is rolled back, leaving the index as it was.
   */
  private <T> T write(WriteStep<T> step) {
    writeLock.lock();
    try {
      IndexWriter current = writer;
      if (current == null) {
        throw new GalleryStorageException("the gallery at " + path.toAbsolutePath()
            + " could not be reopened after an earlier storage failure; restart the server", null);
      }
      T value;
      try {
        // Steps read and check first and touch the writer last, so a refusal (unknown id, bad
        // argument) leaves nothing to undo.
        value = step.apply(current);
      } catch (RuntimeException e) {
        if (current.getTragicException() == null) {
          throw e;
        }
        discardUncommitted();
        throw storageFailure(e);
      } catch (IOException e) {
        discardUncommitted();
        throw storageFailure(e);
      }
      try {
        current.commit();
      } catch (IOException | RuntimeException e) {
        discardUncommitted();
        throw storageFailure(e);
      }
      try {
        searchers.maybeRefreshBlocking();
      } catch (IOException | RuntimeException e) {
        // The change is saved; a fresh writer and searcher make it visible to the next read.
        log.warn("Refreshing the gallery searcher failed after a saved change ({}); reopening", e.toString());
        discardUncommitted();
      }
      return value;
    } finally {
      writeLock.unlock();
    }
  }

  private GalleryStorageException storageFailure(Exception cause) {
    return new GalleryStorageException("the change could not be saved to " + path.toAbsolutePath()
        + " (" + cause.getMessage() + "); nothing was changed. Check free disk space and permissions.", cause);
  }

  /**
   * Throws away everything written since the last commit and starts a fresh writer and searcher,
   * which see exactly the committed index.
   */
  private void discardUncommitted() {
    SearcherManager oldSearchers = searchers;
    try {
      writer.rollback();
    } catch (IOException | RuntimeException e) {
      log.warn("Rolling back the gallery writer failed: {}", e.toString());
    }
    writer = null;
    try {
      openWriter();
      closeQuietly(oldSearchers);
      log.warn("The gallery writer was rolled back to its last commit and reopened");
    } catch (IOException | RuntimeException e) {
      log.error("The gallery at {} cannot be reopened after a failed change: {}", path.toAbsolutePath(), e.toString());
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public List<PersonMatch> search(float[] vector, int maxPersons) {
    checkVector(vector);
    return read(s -> {
      Map<String, FaceHit> bestPerPerson = new LinkedHashMap<>();
      // Hits come best first, so the first hit of each person is their closest face.
      int k = Math.max(settings.searchK(), maxPersons);
      for (FaceHit hit : nearestFaces(s, vector, k, k)) {
        bestPerPerson.putIfAbsent(hit.personId(), hit);
        if (bestPerPerson.size() == maxPersons) {
          break;
        }
      }
      List<PersonMatch> matches = new ArrayList<>(bestPerPerson.size());
      for (FaceHit hit : bestPerPerson.values()) {
        String name = displayName(s, hit.personId());
        if (name != null) {
          matches.add(new PersonMatch(hit.personId(), name, hit.similarity(), hit.faceId()));
        }
      }
      return matches;
    });
  }

  /**
   * The {@code k} faces nearest to the vector by the HNSW graph, best first, exploring
   * {@code candidates} (at least k) on the way: more candidates, better recall, slower.
   */
  public List<FaceHit> nearestFaces(float[] vector, int k, int candidates) {
    checkVector(vector);
    return read(s -> nearestFaces(s, vector, Math.max(k, candidates), k));
  }

  /** The {@code keep} best of the {@code k} nearest faces the graph search collects. */
  private static List<FaceHit> nearestFaces(IndexSearcher s, float[] vector, int k, int keep) throws IOException {
    TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, vector, k), k);
    ScoreDoc[] best = top.scoreDocs.length <= keep ? top.scoreDocs : java.util.Arrays.copyOf(top.scoreDocs, keep);
    return HIT_READER.read(s, best, LuceneGallery::similarity);
  }

  @Override
  public Optional<PersonMatch> closestFaceOf(String personId, float[] vector) {
    checkVector(vector);
    return read(s -> {
      PersonRecord person = findPerson(s, personId);
      Query ofPerson = new TermQuery(new Term(PERSON_ID, personId));
      TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, vector, 1, ofPerson), 1);
      if (top.scoreDocs.length == 0) {
        return Optional.empty();
      }
      ScoreDoc hit = top.scoreDocs[0];
      String faceId = s.storedFields().document(hit.doc, Set.of(FACE_ID)).get(FACE_ID);
      return Optional.of(new PersonMatch(personId, person.displayName(), similarity(hit.score), faceId));
    });
  }

  @Override
  public PersonPage listPersons(String nameContains, int pageSize, String pageToken) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be at least 1");
    }
    Object[] afterKey = pageToken == null || pageToken.isEmpty() ? null : PageToken.decode(pageToken);
    Query query = ALL_PERSONS;
    String needle = nameContains == null ? "" : nameContains.strip().toLowerCase(Locale.ROOT);
    if (!needle.isEmpty()) {
      query = new BooleanQuery.Builder()
          .add(ALL_PERSONS, Occur.FILTER)
          .add(new WildcardQuery(new Term(NAME_LOWER, "*" + escapeWildcards(needle) + "*")), Occur.FILTER)
          .build();
    }
    Query filter = query;
    return read(s -> {
      // Sort keys are unique (they end with the person id); a document number past every real
      // one makes the previous page's last person itself count as already seen.
      int maxDoc = s.getIndexReader().maxDoc();
      if (afterKey != null && maxDoc == 0) {
        return new PersonPage(List.of(), "", 0);
      }
      FieldDoc after = afterKey == null ? null : new FieldDoc(maxDoc - 1, Float.NaN, afterKey);
      TopDocs page = s.searchAfter(after, filter, pageSize, BY_NAME);
      StoredFields stored = s.storedFields();
      List<PersonRecord> persons = new ArrayList<>(page.scoreDocs.length);
      for (ScoreDoc hit : page.scoreDocs) {
        persons.add(personFrom(s, stored.document(hit.doc)));
      }
      int total = s.count(filter);
      String next = "";
      if (page.scoreDocs.length == pageSize && pageSize < total) {
        FieldDoc last = (FieldDoc) page.scoreDocs[page.scoreDocs.length - 1];
        PersonRecord lastPerson = persons.get(persons.size() - 1);
        next = PageToken.encode(lastPerson.displayName().toLowerCase(Locale.ROOT), lastPerson.personId());
        // An exact last page leaves nothing after it: say so now rather than on an empty page.
        if (s.searchAfter(last, filter, 1, BY_NAME).scoreDocs.length == 0) {
          next = "";
        }
      }
      return new PersonPage(persons, next, total);
    });
  }

  @Override
  public PersonRecord getPerson(String personId) {
    return read(s -> {
      PersonRecord person = findPerson(s, personId);
      Query faces = new BooleanQuery.Builder()
          .add(ALL_FACES, Occur.FILTER)
          .add(new TermQuery(new Term(PERSON_ID, personId)), Occur.FILTER)
          .build();
      TopDocs hits = s.search(faces, MAX_FACES_PER_PERSON);
      StoredFields stored = s.storedFields();
      List<FaceRecord> records = new ArrayList<>();
      for (ScoreDoc hit : hits.scoreDocs) {
        records.add(faceFrom(stored.document(hit.doc)));
      }
      records.sort(java.util.Comparator.comparing(FaceRecord::createTime).thenComparing(FaceRecord::faceId));
      return new PersonRecord(person.personId(), person.displayName(), person.faceCount(), person.createTime(), records);
    });
  }

  @Override
  public long revision() {
    return revision.get();
  }

  @Override
  public Optional<String> displayName(String personId) {
    return read(s -> Optional.ofNullable(displayName(s, personId)));
  }

  @Override
  public GalleryStats stats() {
    return read(s -> new GalleryStats(s.count(ALL_PERSONS), s.count(ALL_FACES)));
  }

  private interface ReadStep<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  private <T> T read(ReadStep<T> step) {
    for (int attempt = 0; ; attempt++) {
      SearcherManager manager = searchers;
      IndexSearcher searcher;
      try {
        searcher = manager.acquire();
      } catch (AlreadyClosedException e) {
        // The writer was replaced after a failed change; the new searcher is already in place.
        if (attempt < 3) {
          continue;
        }
        throw new GalleryStorageException("the gallery is closed", e);
      } catch (IOException e) {
        throw new GalleryStorageException("the gallery could not be read: " + e.getMessage(), e);
      }
      try {
        return step.apply(searcher);
      } catch (IOException e) {
        throw new GalleryStorageException("the gallery could not be read: " + e.getMessage(), e);
      } finally {
        try {
          manager.release(searcher);
        } catch (IOException e) {
          log.warn("Releasing a gallery searcher failed: {}", e.toString());
        }
      }
    }
  }

  private PersonRecord findPerson(IndexSearcher s, String personId) throws IOException {
    TopDocs hits = s.search(new TermQuery(new Term(PERSON_KEY, personId)), 1);
    if (hits.scoreDocs.length == 0) {
      throw new NotFoundException("person", personId);
    }
    return personFrom(s, s.storedFields().document(hits.scoreDocs[0].doc));
  }

  private String displayName(IndexSearcher s, String personId) throws IOException {
    TopDocs hits = s.search(new TermQuery(new Term(PERSON_KEY, personId)), 1);
    return hits.scoreDocs.length == 0 ? null : s.storedFields().document(hits.scoreDocs[0].doc, Set.of(NAME)).get(NAME);
  }

  private int countFaces(IndexSearcher s, String personId) throws IOException {
    return s.count(new BooleanQuery.Builder()
        .add(ALL_FACES, Occur.FILTER)
        .add(new TermQuery(new Term(PERSON_ID, personId)), Occur.FILTER)
        .build());
  }

  private PersonRecord personFrom(IndexSearcher s, Document document) throws IOException {
    String personId = document.get(PERSON_ID);
    return new PersonRecord(personId, document.get(NAME), countFaces(s, personId),
        Instant.ofEpochMilli(document.getField(CREATED).numericValue().longValue()), List.of());
  }

  private static FaceRecord faceFrom(Document document) {
    ByteBuffer origin = ByteBuffer.wrap(document.getBinaryValue(ORIGIN).bytes);
    float x = origin.getFloat();
    float y = origin.getFloat();
    float width = origin.getFloat();
    float height = origin.getFloat();
    float score = origin.getFloat();
    float[] landmarks = new float[FaceOrigin.LANDMARK_VALUES];
    origin.asFloatBuffer().get(landmarks);
    return new FaceRecord(document.get(FACE_ID), document.get(PERSON_ID),
        Instant.ofEpochMilli(document.getField(CREATED).numericValue().longValue()),
        document.get(MODEL_ID), new FaceOrigin(x, y, width, height, landmarks, score));
  }

  // ---- documents ---------------------------------------------------------------------------

  private static Document personDocument(String personId, String displayName, Instant created) {
    String lower = displayName.toLowerCase(Locale.ROOT);
    Document document = new Document();
    document.add(new StringField(TYPE, PERSON, Field.Store.NO));
    document.add(new StringField(PERSON_ID, personId, Field.Store.YES));
    document.add(new StringField(PERSON_KEY, personId, Field.Store.NO));
    document.add(new SortedDocValuesField(PERSON_SORT, new BytesRef(personId)));
    document.add(new StoredField(NAME, displayName));
    document.add(new StringField(NAME_LOWER, lower, Field.Store.NO));
    document.add(new SortedDocValuesField(NAME_SORT, new BytesRef(lower)));
    document.add(new StoredField(CREATED, created.toEpochMilli()));
    return document;
  }

  /** Adds a document per face to {@code documents}, each with a new id; returns the ids in order. */
  private List<String> faceDocuments(String personId, List<NewFace> faces, Instant created, List<Document> documents) {
    List<String> faceIds = new ArrayList<>(faces.size());
    for (NewFace face : faces) {
      String faceId = UUID.randomUUID().toString();
      faceIds.add(faceId);
      documents.add(faceDocument(faceId, personId, face, created));
    }
    return faceIds;
  }

  private Document faceDocument(String faceId, String personId, NewFace face, Instant created) {
    FaceOrigin origin = face.origin();
    ByteBuffer packed = ByteBuffer.allocate((5 + FaceOrigin.LANDMARK_VALUES) * Float.BYTES);
    packed.putFloat(origin.x()).putFloat(origin.y()).putFloat(origin.width()).putFloat(origin.height())
        .putFloat(origin.score());
    for (float value : origin.landmarks()) {
      packed.putFloat(value);
    }
    Document document = new Document();
    document.add(new StringField(TYPE, FACE, Field.Store.NO));
    document.add(new StringField(FACE_ID, faceId, Field.Store.YES));
    document.add(new StringField(PERSON_ID, personId, Field.Store.YES));
    FaceHitReader.addTo(document, faceId, personId);
    document.add(new KnnFloatVectorField(VECTOR, face.vector(), VectorSimilarityFunction.DOT_PRODUCT));
    document.add(new StoredField(MODEL_ID, modelId));
    document.add(new StoredField(ORIGIN, packed.array()));
    document.add(new StoredField(CREATED, created.toEpochMilli()));
    return document;
  }

  private void checkVector(float[] vector) {
    GalleryVectors.check(vector, dimension);
  }

  private static float similarity(float score) {
    return GalleryVectors.similarity(score);
  }

  private static String escapeWildcards(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      closeQuietly(searchers);
      if (writer != null) {
        writer.close();
        writer = null;
      }
      directory.close();
    } catch (IOException e) {
      log.warn("Closing the gallery at {} failed: {}", path.toAbsolutePath(), e.toString());
    } finally {
      if (mergeExecutor != null) {
        mergeExecutor.shutdownNow();
      }
      writeLock.unlock();
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("Ignoring a failure to close {}: {}", closeable, e.toString());
      }
    }
  }

  /** Opaque page tokens: the sort key of the last person on the previous page. */
  private static final class PageToken {
    private static final String VERSION = "p1";

    static String encode(String lowerName, String personId) {
      // The person id (a UUID) comes before the name, which may contain anything.
      String raw = VERSION + "\n" + personId + "\n" + lowerName;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key after which the next page starts. */
    static Object[] decode(String token) {
      String[] parts;
      try {
        parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 3);
      } catch (IllegalArgumentException e) {
        parts = new String[0];
      }
      if (parts.length != 3 || !VERSION.equals(parts[0])) {
        throw new IllegalArgumentException("page_token is not one this server issued; "
            + "start again with an empty page_token");
      }
      return new Object[] {new BytesRef(parts[2]), new BytesRef(parts[1])};
    }
  }
}
