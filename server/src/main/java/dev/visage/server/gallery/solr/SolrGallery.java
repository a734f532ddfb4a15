package dev.visage.server.gallery.solr;

import dev.visage.server.gallery.BackupResult;
import dev.visage.server.gallery.Enrollment;
import dev.visage.server.gallery.FaceDeletion;
import dev.visage.server.gallery.FaceOrigin;
import dev.visage.server.gallery.FaceRecord;
import dev.visage.server.gallery.Gallery;
import dev.visage.server.gallery.GalleryModelMismatchException;
import dev.visage.server.gallery.GalleryStats;
import dev.visage.server.gallery.GalleryStorageException;
import dev.visage.server.gallery.GalleryVectors;
import dev.visage.server.gallery.ImportedPerson;
import dev.visage.server.gallery.NewFace;
import dev.visage.server.gallery.NotFoundException;
import dev.visage.server.gallery.PersonMatch;
import dev.visage.server.gallery.PersonPage;
import dev.visage.server.gallery.PersonRecord;
import dev.visage.server.gallery.VectorIndexSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudHttp2SolrClient;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest.ACTION;
import org.apache.solr.client.solrj.request.LukeRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.FacetField;
import org.apache.solr.client.solrj.response.LukeResponse;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.client.solrj.response.UpdateResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.Replica;
import org.apache.solr.common.cloud.Slice;
import org.apache.solr.common.params.CursorMarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery in a SolrCloud collection: the same promises as the embedded {@code LuceneGallery},
 * kept by a sharded, replicated collection that several recognition servers share.
 *
 * <ul>
 *   <li><b>Durable:</b> Solr acknowledges an update once the shard leader and every live replica
 *       have it in their update logs, synced to disk (solrconfig.xml). With two or more replicas
 *       per shard an acknowledged enrollment survives the loss of any one node. When a replica is
 *       down the update is still taken by the others, and a warning says so.
 *   <li><b>Visible at once, to every server:</b> before a change is acknowledged the server runs a
 *       soft commit that waits for the new searchers ({@code waitSearcher=true}) on every replica.
 *       Real-time get would not do: it finds documents by id, but identification is a vector
 *       search, which only sees what an open searcher sees. Writers arriving together share one
 *       commit ({@link SoftCommitCoalescer}).
 *   <li><b>Failovers delay, they do not fail:</b> a commit refused while a shard elects a new
 *       leader is tried again; an enrollment that fails all the same is taken back first.
 *   <li><b>Deletes are final:</b> the same commit runs before a delete is acknowledged.
 *   <li><b>One model:</b> the collection holds a gallery document stamped with the embedding model
 *       and vector length, checked when a server connects; every vector search also filters on
 *       the face's model id, so vectors of another model are never compared.
 * </ul>
 *
 * <p>Each person and each face is a document with its own id (persons and faces spread over the
 * shards by id hash); a person's faces point to it with {@code person_id}.
 */
public final class SolrGallery implements Gallery {

  private static final Logger log = LoggerFactory.getLogger(SolrGallery.class);

  static final String GALLERY_DOC = "_visage_gallery";
  private static final String TYPE = "type";
  private static final String PERSON = "person";
  private static final String FACE = "face";
  private static final String GALLERY = "gallery";
  private static final String PERSON_ID = "person_id";
  private static final String NAME = "name";
  private static final String NAME_LOWER = "name_lower";
  private static final String CREATED = "created";
  private static final String MODEL_ID = "model_id";
  private static final String VECTOR = "vector";
  private static final String ORIGIN = "origin";
  private static final String DIMENSION = "dimension";
  private static final String REVISION = "revision";
  private static final String VERSION = "_version_";

  private static final int MAX_FACES_PER_PERSON = 10_000;
  private static final int CURSOR_PAGE = 500;
  private static final String PAGE_TOKEN_PREFIX = "s1.";
  private static final long REVISION_CACHE_NANOS = 1_000_000_000L;
  private static final long REPLICA_WARNING_INTERVAL_NANOS = 60_000_000_000L;
  /** How long a commit is retried through a failover; leader election takes a few seconds. */
  private static final long COMMIT_RETRY_NANOS = 15_000_000_000L;

  private final CloudHttp2SolrClient client;
  private final SolrSettings settings;
  private final String modelId;
  private final int dimension;
  private final VectorIndexSettings vectors;
  private final String modelFilter;
  private final SoftCommitCoalescer visibility;

  private volatile long cachedRevision;
  private volatile long revisionReadAt = System.nanoTime() - 2 * REVISION_CACHE_NANOS;
  private volatile long lastReplicaWarning = System.nanoTime() - REPLICA_WARNING_INTERVAL_NANOS;

  private SolrGallery(CloudHttp2SolrClient client, SolrSettings settings, String modelId, int dimension,
      VectorIndexSettings vectors) {
    this.client = client;
    this.settings = settings;
    this.modelId = modelId;
    this.dimension = dimension;
    this.vectors = vectors;
    this.modelFilter = "{!term f=" + MODEL_ID + "}" + modelId;
    this.visibility = new SoftCommitCoalescer(this::softCommit);
  }

  /**
   * Connects to the collection, creating it when it is missing (and allowed), and checks that it
   * holds vectors of {@code modelId}.
   *
   * @throws GalleryModelMismatchException when the collection belongs to another model
   * @throws GalleryStorageException when SolrCloud cannot be reached or the collection is not ready
   */
  public static SolrGallery connect(SolrSettings settings, String modelId, int dimension, VectorIndexSettings vectors) {
    CloudHttp2SolrClient client = null;
    try {
      client = SolrConnector.connect(settings);
      SolrCollectionSetup.ensure(client, settings, dimension, vectors);
      SolrGallery gallery = new SolrGallery(client, settings, modelId, dimension, vectors);
      gallery.checkOrStampModel();
      log.info("Gallery: SolrCloud collection '{}' at {}", settings.collection(), settings.where());
      return gallery;
    } catch (GalleryModelMismatchException e) {
      closeQuietly(client);
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(client);
      throw new GalleryStorageException("interrupted while connecting to SolrCloud", e);
    } catch (Exception e) {
      closeQuietly(client);
      throw new GalleryStorageException("the SolrCloud gallery (collection '" + settings.collection() + "' at "
          + settings.where() + ") cannot be opened: " + describe(e)
          + "; check the addresses, credentials and that the Solr nodes are up", e);
    }
  }

  /** Stamps a new collection with this model; refuses one stamped with another. */
  private void checkOrStampModel() throws SolrServerException, IOException {
    SolrInputDocument stamp = new SolrInputDocument();
    stamp.setField("id", GALLERY_DOC);
    stamp.setField(TYPE, GALLERY);
    stamp.setField(MODEL_ID, modelId);
    stamp.setField(DIMENSION, (long) dimension);
    stamp.setField(REVISION, 0L);
    stamp.setField(VERSION, -1L); // only if it does not exist yet: two servers may start together
    try {
      new UpdateRequest().add(stamp).process(client);
    } catch (SolrException e) {
      if (e.code() != SolrException.ErrorCode.CONFLICT.code) {
        throw e;
      }
    }
    SolrDocument existing = client.getById(GALLERY_DOC);
    if (existing == null) {
      throw new IllegalStateException("the gallery document vanished right after it was written");
    }
    String storedModel = String.valueOf(existing.getFirstValue(MODEL_ID));
    long storedDimension = ((Number) existing.getFirstValue(DIMENSION)).longValue();
    if (!storedModel.equals(modelId) || storedDimension != dimension) {
      throw new GalleryModelMismatchException("the SolrCloud collection '" + settings.collection()
          + "' holds vectors of model " + storedModel + " (" + storedDimension + " values) but this server embeds with "
          + modelId + " (" + dimension + " values); their vectors cannot be compared. Use another collection "
          + "(--solr-collection), or re-enroll everyone into a new collection from their photos");
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

  /** Where the gallery lives, for logs and messages. */
  public String description() {
    return "SolrCloud collection '" + settings.collection() + "' at " + settings.where();
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
    try {
      return write("enroll a person", () -> {
        UpdateRequest update = new UpdateRequest();
        update.add(personDocument(personId, displayName, now));
        List<String> faceIds = addFaceDocuments(update, personId, faces, now);
        send(update);
        return new Enrollment(new PersonRecord(personId, displayName, faces.size(), now, List.of()), faceIds);
      });
    } catch (GalleryStorageException e) {
      throw withdrawn(personId, e);
    }
  }

  /**
   * Takes back an enrollment that is about to be reported as failed: some of its documents may
   * have been stored (the update reached a shard before the error, or only the commit failed),
   * and a client that retries would otherwise enroll the person twice.
   */
  private GalleryStorageException withdrawn(String personId, GalleryStorageException failure) {
    try {
      call("take back a failed enrollment", () -> {
        send(new UpdateRequest().deleteByQuery(termQuery(PERSON_ID, personId)));
        return awaitVisibleThroughFailover();
      });
      return failure;
    } catch (GalleryStorageException e) {
      log.warn("An enrollment failed and could not be taken back: person {} may be in the gallery. Check with "
          + "GetPerson and delete it if it is there ({})", personId, e.getMessage());
      return new GalleryStorageException(failure.getMessage() + "; the enrollment may have been stored as person "
          + personId + ": check with GetPerson and delete it if it is there", failure);
    }
  }

  @Override
  public Enrollment addFaces(String personId, List<NewFace> faces) {
    if (faces.isEmpty()) {
      throw new IllegalArgumentException("no faces to add");
    }
    faces.forEach(face -> checkVector(face.vector()));
    Instant now = Instant.now();
    Enrollment added = write("add faces", () -> {
      SolrDocument person = personDocument(personId);
      UpdateRequest update = new UpdateRequest();
      List<String> faceIds = addFaceDocuments(update, personId, faces, now);
      send(update);
      if (client.getById(personId) == null) {
        // The person was deleted (through another server) while the faces went in: take them out.
        send(new UpdateRequest().deleteById(faceIds));
        throw new NotFoundException("person", personId);
      }
      return new Enrollment(new PersonRecord(personId, (String) person.getFirstValue(NAME), -1,
          createdOf(person), List.of()), faceIds);
    });
    // Counted once the new faces are visible.
    PersonRecord person = added.person();
    return new Enrollment(new PersonRecord(personId, person.displayName(), read(() -> countFaces(personId)),
        person.createTime(), List.of()), added.faceIds());
  }

  @Override
  public PersonRecord renamePerson(String personId, String displayName) {
    PersonRecord renamed = write("rename a person", () -> {
      // Written only over the version read, so a rename never brings back a person deleted
      // meanwhile; when another rename won the race, read again and write over it (last wins).
      for (int attempt = 1; ; attempt++) {
        SolrDocument person = personDocument(personId);
        Instant created = createdOf(person);
        SolrInputDocument replacement = personDocument(personId, displayName, created);
        replacement.setField(VERSION, person.getFirstValue(VERSION));
        try {
          send(new UpdateRequest().add(replacement));
          return new PersonRecord(personId, displayName, countFaces(personId), created, List.of());
        } catch (SolrException e) {
          if (e.code() != SolrException.ErrorCode.CONFLICT.code || attempt == 10) {
            throw e;
          }
        }
      }
    });
    bumpRevision();
    return renamed;
  }

  @Override
  public int deletePerson(String personId) {
    int deleted = write("delete a person", () -> {
      personDocument(personId);
      int faces = countFaces(personId);
      send(new UpdateRequest().deleteByQuery(termQuery(PERSON_ID, personId)));
      return faces;
    });
    bumpRevision();
    return deleted;
  }

  @Override
  public FaceDeletion deleteFace(String faceId) {
    FaceDeletion deletion = write("delete a face", () -> {
      SolrDocument face = client.getById(faceId);
      if (face == null || !FACE.equals(face.getFirstValue(TYPE))) {
        throw new NotFoundException("face", faceId);
      }
      String personId = (String) face.getFirstValue(PERSON_ID);
      send(new UpdateRequest().deleteById(faceId));
      return new FaceDeletion(personId, -1);
    });
    return new FaceDeletion(deletion.personId(), read(() -> countFaces(deletion.personId())));
  }

  @Override
  public void importPersons(List<ImportedPerson> persons) {
    for (ImportedPerson person : persons) {
      person.faces().forEach(face -> checkVector(face.vector()));
    }
    if (persons.isEmpty()) {
      return;
    }
    write("import persons", () -> {
      // Replaced persons lose their old faces first; then the new documents go in together.
      send(new UpdateRequest().deleteByQuery(termsQuery(PERSON_ID, persons.stream().map(ImportedPerson::personId).toList())));
      UpdateRequest update = new UpdateRequest();
      for (ImportedPerson person : persons) {
        update.add(personDocument(person.personId(), person.displayName(), person.createTime()));
        for (ImportedPerson.ImportedFace face : person.faces()) {
          update.add(faceDocument(face.faceId(), person.personId(), new NewFace(face.vector(), face.origin()),
              face.createTime()));
        }
      }
      send(update);
      return null;
    });
    bumpRevision();
  }

  /**
   * Expunges deleted documents from every replica's segments (a commit with expungeDeletes).
   *
   * @return how many deleted documents the shard leaders held before
   */
  @Override
  public int purgeDeleted() {
    return write("purge deleted records", () -> {
      long deleted = 0;
      for (Slice slice : client.getClusterState().getCollection(settings.collection()).getActiveSlices()) {
        Replica leader = slice.getLeader();
        if (leader == null) {
          throw new IllegalStateException("shard " + slice.getName() + " has no leader right now");
        }
        LukeRequest luke = new LukeRequest();
        luke.setNumTerms(0);
        LukeResponse info = client.getHttpClient().requestWithBaseUrl(leader.getBaseUrl(), leader.getCoreName(), luke);
        Number deletedDocs = (Number) info.getIndexInfo().get("deletedDocs");
        deleted += deletedDocs == null ? 0 : deletedDocs.longValue();
      }
      UpdateRequest expunge = new UpdateRequest();
      expunge.setAction(ACTION.COMMIT, true, true);
      expunge.setParam("expungeDeletes", "true");
      expunge.process(client);
      return (int) Math.min(Integer.MAX_VALUE, deleted);
    });
  }

  /** A SolrCloud gallery is backed up by Solr itself (the Collections API's BACKUP), to storage every node reaches. */
  @Override
  public BackupResult backup(Path target) {
    throw new UnsupportedOperationException("this server's gallery is the SolrCloud collection '"
        + settings.collection() + "': back it up with Solr's Collections API (action=BACKUP) to storage every "
        + "Solr node can reach, or write a portable copy with 'visage gallery export'");
  }

  // ---- reads -------------------------------------------------------------------------------

  @Override
  public List<PersonMatch> search(float[] vector, int maxPersons) {
    checkVector(vector);
    int k = Math.max(vectors.searchK(), maxPersons);
    return read(() -> {
      SolrQuery query = new SolrQuery(knnQuery(vector, k));
      query.addFilterQuery(modelFilter);
      query.setFields("id", PERSON_ID, "score");
      query.setRows(k);
      Map<String, SolrDocument> bestPerPerson = new LinkedHashMap<>();
      // Hits come best first, so the first hit of each person is their closest face.
      for (SolrDocument hit : query(query).getResults()) {
        bestPerPerson.putIfAbsent((String) hit.getFirstValue(PERSON_ID), hit);
        if (bestPerPerson.size() == maxPersons) {
          break;
        }
      }
      Map<String, String> names = displayNames(bestPerPerson.keySet());
      List<PersonMatch> matches = new ArrayList<>(bestPerPerson.size());
      for (Map.Entry<String, SolrDocument> best : bestPerPerson.entrySet()) {
        String name = names.get(best.getKey());
        if (name != null) { // a person deleted since the last commit
          SolrDocument hit = best.getValue();
          matches.add(new PersonMatch(best.getKey(), name, similarity((Float) hit.getFirstValue("score")),
              (String) hit.getFirstValue("id")));
        }
      }
      return matches;
    });
  }

  /**
   * The {@code k} faces nearest to the vector across every shard, best first, as (face id,
   * similarity): each shard's HNSW graph collects {@code candidates} and the best k are merged.
   */
  public List<Map.Entry<String, Float>> nearestFaces(float[] vector, int k, int candidates) {
    checkVector(vector);
    return read(() -> {
      SolrQuery query = new SolrQuery(knnQuery(vector, Math.max(k, candidates)));
      query.addFilterQuery(modelFilter);
      query.setFields("id", "score");
      query.setRows(k);
      List<Map.Entry<String, Float>> hits = new ArrayList<>(k);
      for (SolrDocument hit : query(query).getResults()) {
        hits.add(Map.entry((String) hit.getFirstValue("id"), similarity((Float) hit.getFirstValue("score"))));
      }
      return hits;
    });
  }

  @Override
  public Optional<PersonMatch> closestFaceOf(String personId, float[] vector) {
    checkVector(vector);
    return read(() -> {
      SolrDocument person = personDocument(personId);
      String bestFace = null;
      float best = Float.NEGATIVE_INFINITY;
      for (SolrDocument face : facesOf(personId, true)) {
        float similarity = dot(vector, vectorOf(face));
        if (similarity > best) {
          best = similarity;
          bestFace = (String) face.getFirstValue("id");
        }
      }
      return bestFace == null ? Optional.<PersonMatch>empty()
          : Optional.of(new PersonMatch(personId, (String) person.getFirstValue(NAME), best, bestFace));
    });
  }

  @Override
  public PersonPage listPersons(String nameContains, int pageSize, String pageToken) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("page size must be at least 1");
    }
    String cursor = CursorMarkParams.CURSOR_MARK_START;
    if (pageToken != null && !pageToken.isEmpty()) {
      if (!pageToken.startsWith(PAGE_TOKEN_PREFIX)) {
        throw badPageToken();
      }
      cursor = pageToken.substring(PAGE_TOKEN_PREFIX.length());
    }
    String needle = nameContains == null ? "" : nameContains.strip().toLowerCase(Locale.ROOT);
    String from = cursor;
    return read(() -> {
      SolrQuery query = personsQuery(needle);
      query.setRows(pageSize);
      query.setSort(NAME_LOWER, SolrQuery.ORDER.asc);
      query.addSort("id", SolrQuery.ORDER.asc);
      query.set(CursorMarkParams.CURSOR_MARK_PARAM, from);
      QueryResponse response;
      try {
        response = query(query);
      } catch (SolrException e) {
        if (e.code() == SolrException.ErrorCode.BAD_REQUEST.code) {
          throw badPageToken();
        }
        throw e;
      }
      SolrDocumentList page = response.getResults();
      Map<String, Integer> counts = faceCounts(page.stream().map(d -> (String) d.getFirstValue("id")).toList());
      List<PersonRecord> persons = new ArrayList<>(page.size());
      for (SolrDocument person : page) {
        String id = (String) person.getFirstValue("id");
        persons.add(new PersonRecord(id, (String) person.getFirstValue(NAME), counts.getOrDefault(id, 0),
            createdOf(person), List.of()));
      }
      String next = "";
      if (page.size() == pageSize && !response.getNextCursorMark().equals(from)) {
        // Say "last page" now rather than hand out a token to an empty page.
        SolrQuery peek = query.getCopy();
        peek.setRows(1);
        peek.setFields("id");
        peek.set(CursorMarkParams.CURSOR_MARK_PARAM, response.getNextCursorMark());
        if (!query(peek).getResults().isEmpty()) {
          next = PAGE_TOKEN_PREFIX + response.getNextCursorMark();
        }
      }
      return new PersonPage(persons, next, (int) page.getNumFound());
    });
  }

  @Override
  public PersonRecord getPerson(String personId) {
    return read(() -> {
      SolrDocument person = personDocument(personId);
      List<FaceRecord> faces = new ArrayList<>();
      for (SolrDocument face : facesOf(personId, false)) {
        faces.add(faceRecord(face));
      }
      faces.sort(java.util.Comparator.comparing(FaceRecord::createTime).thenComparing(FaceRecord::faceId));
      return new PersonRecord(personId, (String) person.getFirstValue(NAME), faces.size(), createdOf(person), faces);
    });
  }

  @Override
  public Optional<String> displayName(String personId) {
    return read(() -> {
      SolrDocument person = client.getById(personId);
      return person == null || !PERSON.equals(person.getFirstValue(TYPE)) ? Optional.<String>empty()
          : Optional.of((String) person.getFirstValue(NAME));
    });
  }

  @Override
  public GalleryStats stats() {
    return read(() -> {
      SolrQuery query = new SolrQuery("*:*");
      query.setRows(0);
      query.setFacet(true);
      query.addFacetField(TYPE);
      Map<String, Long> byType = new HashMap<>();
      for (FacetField.Count count : query(query).getFacetField(TYPE).getValues()) {
        byType.put(count.getName(), count.getCount());
      }
      return new GalleryStats(byType.getOrDefault(PERSON, 0L), byType.getOrDefault(FACE, 0L));
    });
  }

  /** How many of these persons, and of their faces, the collection holds (a migration's check). */
  public GalleryStats statsOf(List<String> personIds) {
    if (personIds.isEmpty()) {
      return new GalleryStats(0, 0);
    }
    return read(() -> {
      SolrQuery query = new SolrQuery(termsQuery(PERSON_ID, personIds));
      query.setRows(0);
      query.setFacet(true);
      query.addFacetField(TYPE);
      Map<String, Long> byType = new HashMap<>();
      for (FacetField.Count count : query(query).getFacetField(TYPE).getValues()) {
        byType.put(count.getName(), count.getCount());
      }
      return new GalleryStats(byType.getOrDefault(PERSON, 0L), byType.getOrDefault(FACE, 0L));
    });
  }

  /**
   * Hands every person with their faces and vectors to {@code sink}, in person id order. Unlike
   * the embedded gallery this is not one frozen view: a change made by another server while the
   * export runs may or may not be in it.
   */
  @Override
  public void exportPersons(Consumer<ImportedPerson> sink) {
    read(() -> {
      List<SolrDocument> batch = new ArrayList<>();
      SolrQuery persons = new SolrQuery(termQuery(TYPE, PERSON));
      persons.setFields("id", NAME, CREATED);
      forEachDocument(persons, person -> {
        batch.add(person);
        if (batch.size() == CURSOR_PAGE) {
          exportBatch(batch, sink);
          batch.clear();
        }
      });
      exportBatch(batch, sink);
      return null;
    });
  }

  private void exportBatch(List<SolrDocument> persons, Consumer<ImportedPerson> sink) {
    if (persons.isEmpty()) {
      return;
    }
    Map<String, List<ImportedPerson.ImportedFace>> faces = new HashMap<>();
    SolrQuery query = new SolrQuery(termsQuery(PERSON_ID, persons.stream().map(p -> (String) p.getFirstValue("id")).toList()));
    query.addFilterQuery(termQuery(TYPE, FACE));
    query.setFields("id", PERSON_ID, CREATED, ORIGIN, VECTOR);
    try {
      forEachDocument(query, face -> faces.computeIfAbsent((String) face.getFirstValue(PERSON_ID), id -> new ArrayList<>())
          .add(new ImportedPerson.ImportedFace((String) face.getFirstValue("id"), vectorOf(face), originOf(face),
              createdOf(face))));
    } catch (SolrServerException | IOException e) {
      throw new GalleryStorageException("the SolrCloud gallery could not be read: " + describe(e), e);
    }
    for (SolrDocument person : persons) {
      String id = (String) person.getFirstValue("id");
      List<ImportedPerson.ImportedFace> own = faces.getOrDefault(id, List.of());
      sink.accept(new ImportedPerson(id, (String) person.getFirstValue(NAME), createdOf(person),
          own.stream().sorted(java.util.Comparator.comparing(ImportedPerson.ImportedFace::createTime)
              .thenComparing(ImportedPerson.ImportedFace::faceId)).toList()));
    }
  }

  /**
   * A number that grows with every rename or delete through any server sharing the collection
   * (kept on the gallery document); read at most once a second.
   */
  @Override
  public long revision() {
    long now = System.nanoTime();
    if (now - revisionReadAt < REVISION_CACHE_NANOS) {
      return cachedRevision;
    }
    try {
      SolrDocument stamp = client.getById(GALLERY_DOC);
      if (stamp != null) {
        cachedRevision = ((Number) stamp.getFirstValue(REVISION)).longValue();
      }
      revisionReadAt = now;
    } catch (Exception e) {
      log.debug("The gallery revision could not be read; keeping {}: {}", cachedRevision, e.toString());
    }
    return cachedRevision;
  }

  @Override
  public void close() {
    closeQuietly(client);
  }

  // ---- Solr plumbing -------------------------------------------------------------------------

  private interface SolrStep<T> {
    T run() throws Exception;
  }

  /** Runs a change, then makes it visible to every searcher before returning. */
  private <T> T write(String what, SolrStep<T> step) {
    T result = call(what, step);
    call(what, this::awaitVisibleThroughFailover);
    return result;
  }

  /**
   * Waits for a commit that covers a change already in Solr. A commit refused while a node leaves
   * or a shard elects a new leader is tried again for a while: the change is durable in the update
   * logs by now, and failing here would report a stored change as not made.
   */
  private Void awaitVisibleThroughFailover() throws Exception {
    long deadline = System.nanoTime() + COMMIT_RETRY_NANOS;
    for (int attempt = 1; ; attempt++) {
      try {
        visibility.awaitVisible();
        return null;
      } catch (SolrServerException | IOException | SolrException e) {
        boolean transientFailure = !(e instanceof SolrException solr) || solr.code() >= 500;
        if (!transientFailure || System.nanoTime() > deadline) {
          throw e;
        }
        log.debug("A soft commit failed (attempt {}), trying again: {}", attempt, e.toString());
        Thread.sleep(Math.min(1_000L, 100L * attempt));
      }
    }
  }

  private <T> T read(SolrStep<T> step) {
    return call("read the gallery", step);
  }

  private <T> T call(String what, SolrStep<T> step) {
    try {
      return step.run();
    } catch (NotFoundException | IllegalArgumentException | GalleryStorageException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GalleryStorageException("interrupted while waiting for SolrCloud", e);
    } catch (Exception e) {
      throw new GalleryStorageException("the SolrCloud gallery (collection '" + settings.collection()
          + "') could not " + what + ": " + describe(e) + "; check that its Solr nodes are up", e);
    }
  }

  /** Sends an update and warns when fewer replicas than configured took it. */
  private void send(UpdateRequest update) throws SolrServerException, IOException {
    UpdateResponse response = update.process(client);
    int achieved = client.getMinAchievedReplicationFactor(settings.collection(), response.getResponse());
    if (achieved < settings.replicas() && System.nanoTime() - lastReplicaWarning > REPLICA_WARNING_INTERVAL_NANOS) {
      lastReplicaWarning = System.nanoTime();
      log.warn("A change to the SolrCloud gallery was taken by {} of {} replicas of a shard: a Solr node is down or "
          + "recovering. It is durable there, but until the node is back a second failure could lose it", achieved,
          settings.replicas());
    }
  }

  private void softCommit() throws SolrServerException, IOException {
    UpdateRequest commit = new UpdateRequest();
    commit.setAction(ACTION.COMMIT, false, true, true); // soft, and wait for the new searchers
    commit.process(client);
  }

  private void bumpRevision() {
    call("record the change", () -> {
      SolrInputDocument bump = new SolrInputDocument();
      bump.setField("id", GALLERY_DOC);
      bump.setField(REVISION, Map.of("inc", 1L));
      send(new UpdateRequest().add(bump));
      revisionReadAt = System.nanoTime() - 2 * REVISION_CACHE_NANOS; // read afresh next time
      return null;
    });
  }

  /** Every document the query matches, a cursor page at a time (ordered by id). */
  private void forEachDocument(SolrQuery query, Consumer<SolrDocument> each) throws SolrServerException, IOException {
    SolrQuery paged = query.getCopy();
    paged.setRows(CURSOR_PAGE);
    paged.setSort("id", SolrQuery.ORDER.asc);
    String cursor = CursorMarkParams.CURSOR_MARK_START;
    while (true) {
      paged.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
      QueryResponse response = query(paged);
      response.getResults().forEach(each);
      String next = response.getNextCursorMark();
      if (next.equals(cursor)) {
        return;
      }
      cursor = next;
    }
  }

  /** Queries go as POST: a vector, or a list of ids, is longer than an HTTP header may be. */
  private QueryResponse query(SolrQuery query) throws SolrServerException, IOException {
    return client.query(query, org.apache.solr.client.solrj.SolrRequest.METHOD.POST);
  }

  private SolrDocument personDocument(String personId) throws SolrServerException, IOException {
    SolrDocument person = client.getById(personId);
    if (person == null || !PERSON.equals(person.getFirstValue(TYPE))) {
      throw new NotFoundException("person", personId);
    }
    return person;
  }

  private SolrDocumentList facesOf(String personId, boolean withVectors) throws SolrServerException, IOException {
    SolrQuery query = new SolrQuery(termQuery(PERSON_ID, personId));
    query.addFilterQuery(termQuery(TYPE, FACE));
    query.setRows(MAX_FACES_PER_PERSON);
    query.setFields(withVectors ? new String[] {"id", PERSON_ID, VECTOR}
        : new String[] {"id", PERSON_ID, CREATED, MODEL_ID, ORIGIN});
    return query(query).getResults();
  }

  private int countFaces(String personId) throws SolrServerException, IOException {
    SolrQuery query = new SolrQuery(termQuery(PERSON_ID, personId));
    query.addFilterQuery(termQuery(TYPE, FACE));
    query.setRows(0);
    return (int) query(query).getResults().getNumFound();
  }

  private Map<String, Integer> faceCounts(List<String> personIds) throws SolrServerException, IOException {
    if (personIds.isEmpty()) {
      return Map.of();
    }
    SolrQuery query = new SolrQuery(termsQuery(PERSON_ID, personIds));
    query.addFilterQuery(termQuery(TYPE, FACE));
    query.setRows(0);
    query.setFacet(true);
    query.addFacetField(PERSON_ID);
    query.setFacetLimit(-1);
    query.setFacetMinCount(1);
    Map<String, Integer> counts = new HashMap<>();
    for (FacetField.Count count : query(query).getFacetField(PERSON_ID).getValues()) {
      counts.put(count.getName(), (int) count.getCount());
    }
    return counts;
  }

  private Map<String, String> displayNames(Collection<String> personIds) throws SolrServerException, IOException {
    if (personIds.isEmpty()) {
      return Map.of();
    }
    Map<String, String> names = new HashMap<>();
    for (SolrDocument person : client.getById(personIds)) {
      if (PERSON.equals(person.getFirstValue(TYPE))) {
        names.put((String) person.getFirstValue("id"), (String) person.getFirstValue(NAME));
      }
    }
    return names;
  }

  private SolrQuery personsQuery(String needle) {
    SolrQuery query = new SolrQuery(termQuery(TYPE, PERSON));
    if (!needle.isEmpty()) {
      query.addFilterQuery(NAME_LOWER + ":*" + escapeForWildcard(needle) + "*");
    }
    query.setFields("id", NAME, CREATED);
    return query;
  }

  // ---- documents ---------------------------------------------------------------------------

  private static SolrInputDocument personDocument(String personId, String displayName, Instant created) {
    SolrInputDocument document = new SolrInputDocument();
    document.setField("id", personId);
    document.setField(TYPE, PERSON);
    document.setField(PERSON_ID, personId);
    document.setField(NAME, displayName);
    document.setField(NAME_LOWER, displayName.toLowerCase(Locale.ROOT));
    document.setField(CREATED, created.toEpochMilli());
    return document;
  }

  private List<String> addFaceDocuments(UpdateRequest update, String personId, List<NewFace> faces, Instant created) {
    List<String> faceIds = new ArrayList<>(faces.size());
    for (NewFace face : faces) {
      String faceId = UUID.randomUUID().toString();
      faceIds.add(faceId);
      update.add(faceDocument(faceId, personId, face, created));
    }
    return faceIds;
  }

  private SolrInputDocument faceDocument(String faceId, String personId, NewFace face, Instant created) {
    FaceOrigin origin = face.origin();
    List<Float> packed = new ArrayList<>(5 + FaceOrigin.LANDMARK_VALUES);
    packed.addAll(List.of(origin.x(), origin.y(), origin.width(), origin.height(), origin.score()));
    for (float value : origin.landmarks()) {
      packed.add(value);
    }
    List<Float> vector = new ArrayList<>(face.vector().length);
    for (float value : face.vector()) {
      vector.add(value);
    }
    SolrInputDocument document = new SolrInputDocument();
    document.setField("id", faceId);
    document.setField(TYPE, FACE);
    document.setField(PERSON_ID, personId);
    document.setField(MODEL_ID, modelId);
    document.setField(VECTOR, vector);
    document.setField(ORIGIN, packed);
    document.setField(CREATED, created.toEpochMilli());
    return document;
  }

  private static FaceRecord faceRecord(SolrDocument face) {
    return new FaceRecord((String) face.getFirstValue("id"), (String) face.getFirstValue(PERSON_ID), createdOf(face),
        (String) face.getFirstValue(MODEL_ID), originOf(face));
  }

  private static FaceOrigin originOf(SolrDocument face) {
    Collection<Object> values = face.getFieldValues(ORIGIN);
    float[] packed = new float[values.size()];
    int i = 0;
    for (Object value : values) {
      packed[i++] = ((Number) value).floatValue();
    }
    float[] landmarks = java.util.Arrays.copyOfRange(packed, 5, 5 + FaceOrigin.LANDMARK_VALUES);
    return new FaceOrigin(packed[0], packed[1], packed[2], packed[3], landmarks, packed[4]);
  }

  private static float[] vectorOf(SolrDocument face) {
    Collection<Object> values = face.getFieldValues(VECTOR);
    float[] vector = new float[values.size()];
    int i = 0;
    for (Object value : values) {
      vector[i++] = ((Number) value).floatValue();
    }
    return vector;
  }

  private static Instant createdOf(SolrDocument document) {
    return Instant.ofEpochMilli(((Number) document.getFirstValue(CREATED)).longValue());
  }

  // ---- queries -----------------------------------------------------------------------------

  private static String knnQuery(float[] vector, int k) {
    StringBuilder query = new StringBuilder(16 + vector.length * 12);
    query.append("{!knn f=").append(VECTOR).append(" topK=").append(k).append("}[");
    for (int i = 0; i < vector.length; i++) {
      if (i > 0) {
        query.append(',');
      }
      query.append(vector[i]);
    }
    return query.append(']').toString();
  }

  private static String termQuery(String field, String value) {
    return "{!term f=" + field + "}" + value;
  }

  /** Ids here are UUIDs (or ids a gallery issued), so a comma never appears in one. */
  private static String termsQuery(String field, List<String> values) {
    return "{!terms f=" + field + "}" + String.join(",", values);
  }

  private static String escapeForWildcard(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if ("\\+-!():^[]\"{}~*?|&/ ".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static IllegalArgumentException badPageToken() {
    return new IllegalArgumentException("page_token is not one this server issued; "
        + "start again with an empty page_token");
  }

  // ---- helpers -----------------------------------------------------------------------------

  private void checkVector(float[] vector) {
    GalleryVectors.check(vector, dimension);
  }

  private static float dot(float[] a, float[] b) {
    float sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static float similarity(float score) {
    return GalleryVectors.similarity(score);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return root == e ? message : message + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.debug("Closing the SolrCloud client failed: {}", e.toString());
    }
  }
}
