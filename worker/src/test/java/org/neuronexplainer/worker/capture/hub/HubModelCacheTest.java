package org.neuronexplainer.worker.capture.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neuronexplainer.common.hub.HubConfig;
import org.neuronexplainer.common.hub.HubException;
import org.neuronexplainer.common.hub.ScriptedHub;
import org.neuronexplainer.worker.capture.CheckpointFixture;
import org.neuronexplainer.worker.capture.Fixtures;

/** Downloads from a scripted hub on loopback; nothing here touches the real network. */
class HubModelCacheTest {
  private static final List<String> FIXTURE_FILES =
      List.of("config.json", "model.safetensors", "vocab.json", "merges.txt");

  @TempDir Path cacheRoot;
  @TempDir Path repos;

  private ScriptedHub hub;
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    hub = new ScriptedHub().serve("gpt2", repo("gpt2", FIXTURE_FILES));
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  @Test
  void downloadsOnceThenServesFromTheCacheWithoutRequests() throws IOException {
    Path dir = cache(hub.endpoint()).resolve("gpt2");

    assertThat(dir).isEqualTo(cacheRoot.resolve("models/openai-community--gpt2/main"));
    for (String file : FIXTURE_FILES) {
      assertThat(dir.resolve(file))
          .hasSameBinaryContentAs(Fixtures.hfGpt2Reference().resolve(file));
    }
    assertThat(dir.resolve(HubModelCache.COMPLETE)).exists();
    assertThat(partFiles(dir)).isEmpty();
    // The weights went through the redirect, as on the hub; tokenizer.json is missing there.
    assertThat(hub.requests())
        .contains(
            "/gpt2/resolve/main/model.safetensors", "/cdn/gpt2/resolve/main/model.safetensors")
        .contains("/gpt2/resolve/main/tokenizer.json", "/gpt2/resolve/main/vocab.json");

    int before = hub.requests().size();
    assertThat(cache(hub.endpoint()).resolve("gpt2")).isEqualTo(dir);
    assertThat(hub.requests()).hasSize(before);
  }

  @Test
  void twoConcurrentResolvesDownloadOnce() throws Exception {
    HubModelCache cache = cache(hub.endpoint());
    var pool = Executors.newFixedThreadPool(2);
    try {
      var first = pool.submit(() -> cache.resolve("gpt2"));
      var second = pool.submit(() -> cache(hub.endpoint()).resolve("openai-community/gpt2"));
      assertThat(first.get()).isEqualTo(second.get());
    } finally {
      pool.shutdown();
    }
    // Both names share one folder; whoever came second found it complete.
    assertThat(hub.requests().stream().filter(p -> p.endsWith("/config.json"))).hasSize(1);
  }

  @Test
  void aRenamedRepositorysRelativeRedirectIsFollowed() throws IOException {
    try (ScriptedHub renamed =
        new ScriptedHub()
            .serve("openai-community/gpt2-medium", repo("medium", FIXTURE_FILES))
            .alias("gpt2-medium", "openai-community/gpt2-medium")) {
      Path dir = cache(renamed.endpoint()).resolve("gpt2-medium");

      assertThat(dir).isEqualTo(cacheRoot.resolve("models/openai-community--gpt2-medium/main"));
      assertThat(dir.resolve(HubModelCache.COMPLETE)).exists();
      assertThat(renamed.requests())
          .contains(
              "/gpt2-medium/resolve/main/config.json",
              "/openai-community/gpt2-medium/resolve/main/config.json");
    }
  }

  @Test
  void anExistingDirectoryIsItselfAndNoHubIsAsked() {
    Path fixture = Fixtures.hfGpt2Reference();
    assertThat(cache(hub.endpoint()).resolve(fixture.toString())).isEqualTo(fixture);
    assertThat(hub.requests()).isEmpty();
  }

  @Test
  void shardedWeightsComeWithTheirIndex() throws IOException {
    Path sharded = Files.createDirectories(repos.resolve("sharded"));
    CheckpointFixture.writeWeights(sharded, 3, name -> name);
    copy(sharded, List.of("config.json", "vocab.json", "merges.txt"));
    hub.serve("test/sharded", sharded);

    Path dir = cache(hub.endpoint()).resolve("test/sharded");

    assertThat(dir).isEqualTo(cacheRoot.resolve("models/test--sharded/main"));
    assertThat(dir.resolve("model.safetensors.index.json")).exists();
    for (int shard = 1; shard <= 3; shard++) {
      String name = String.format("model-%05d-of-00003.safetensors", shard);
      assertThat(dir.resolve(name)).hasSameBinaryContentAs(sharded.resolve(name));
    }
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
  }

  @Test
  void tokenizerJsonWhenTheHubHasItAndVocabMergesAreNotAsked() throws IOException {
    Path withJson = repo("with-json", FIXTURE_FILES);
    Files.writeString(withJson.resolve("tokenizer.json"), "{\"model\": {}}");
    Files.delete(withJson.resolve("vocab.json"));
    Files.delete(withJson.resolve("merges.txt"));
    hub.serve("test/with-json", withJson);

    Path dir = cache(hub.endpoint()).resolve("test/with-json");

    assertThat(dir.resolve("tokenizer.json")).exists();
    assertThat(hub.requests()).noneMatch(path -> path.endsWith("vocab.json"));
  }

  @Test
  void aModelWithoutTokenizerIsRefusedAndNotMarkedComplete() throws IOException {
    hub.serve(
        "test/no-tokenizer", repo("no-tokenizer", List.of("config.json", "model.safetensors")));

    assertThatThrownBy(() -> cache(hub.endpoint()).resolve("test/no-tokenizer"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no tokenizer");
    assertThat(cacheRoot.resolve("models/test--no-tokenizer/main/.complete")).doesNotExist();
  }

  @Test
  void aTruncatedBodyLeavesNoCompleteModelAndARetrySucceeds() throws IOException {
    hub.truncateOnce("model.safetensors");
    HubModelCache cache = cache(hub.endpoint());
    Path dir = cacheRoot.resolve("models/openai-community--gpt2/main");

    assertThatThrownBy(() -> cache.resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("model.safetensors was cut off")
        .hasMessageContaining("run again");
    assertThat(dir.resolve(HubModelCache.COMPLETE)).doesNotExist();
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(partFiles(dir)).isEmpty();

    assertThat(cache.resolve("gpt2")).isEqualTo(dir);
    assertThat(dir.resolve("model.safetensors"))
        .hasSameBinaryContentAs(Fixtures.hfGpt2Reference().resolve("model.safetensors"));
    // config.json was kept from the first try, so only the missing files were asked again.
    assertThat(hub.requests().stream().filter(p -> p.endsWith("config.json"))).hasSize(1);
  }

  @Test
  void aKilledDownloadsLeftoversAreClearedAndItsCompleteFilesKept() throws IOException {
    Path dir = Files.createDirectories(cacheRoot.resolve("models/openai-community--gpt2/main"));
    Files.copy(Fixtures.hfGpt2Reference().resolve("config.json"), dir.resolve("config.json"));
    Files.writeString(dir.resolve("model.safetensors.123.part"), "half a file");

    cache(hub.endpoint()).resolve("gpt2");

    assertThat(partFiles(dir)).isEmpty();
    assertThat(dir.resolve(HubModelCache.COMPLETE)).exists();
    assertThat(hub.requests()).noneMatch(path -> path.endsWith("config.json"));
  }

  @Test
  void aSha256MismatchIsRefused() throws IOException {
    hub.wrongSha("model.safetensors");
    Path dir = cacheRoot.resolve("models/openai-community--gpt2/main");

    assertThatThrownBy(() -> cache(hub.endpoint()).resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("refused model.safetensors of gpt2: its sha256 is")
        .hasMessageContaining("but the hub says " + "0".repeat(64));
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(dir.resolve(HubModelCache.COMPLETE)).doesNotExist();
    assertThat(partFiles(dir)).isEmpty();
  }

  @Test
  void anUnknownModelIsNoSuchModel() {
    assertThatThrownBy(() -> cache(hub.endpoint()).resolve("nobody/nothing@v1"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no such model or file: nobody/nothing@v1");
  }

  @Test
  void refusedAccessMentionsHfToken() {
    hub.answerAll(401);
    assertThatThrownBy(() -> cache(hub.endpoint()).resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("set HF_TOKEN");
  }

  @Test
  void hfTokenGoesToTheHubButNotToTheCdn() {
    cache(hub.endpoint(), Map.of("HF_TOKEN", "hf_test")).resolve("gpt2");

    List<String> paths = hub.requests();
    List<String> auth = hub.authorizations();
    assertThat(paths).contains("/cdn/gpt2/resolve/main/model.safetensors");
    for (int i = 0; i < paths.size(); i++) {
      String expected = paths.get(i).startsWith("/cdn/") ? "null" : "Bearer hf_test";
      assertThat(auth.get(i)).as(paths.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void hfTokenIsSentAsABearerTokenAndARefusedTokenIsNamed() {
    hub.answerAll(403);
    assertThatThrownBy(() -> cache(hub.endpoint(), Map.of("HF_TOKEN", "hf_test")).resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("HTTP 403")
        .hasMessageContaining("the token in HF_TOKEN is invalid or has no access");
    assertThat(hub.authorizations()).containsOnly("Bearer hf_test");
  }

  @Test
  void aRefusedConnectionSaysTheMachineMayBeOffline() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;

    assertThatThrownBy(() -> cache(URI.create(endpoint)).resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessage(
            "cannot download gpt2 from "
                + endpoint
                + ": connection refused. This machine may be offline: download the model"
                + " elsewhere and pass its directory with --model DIR, or set HF_ENDPOINT to a"
                + " mirror");
  }

  @Test
  void anUnknownHostIsReportedAsSuch() {
    // .invalid never resolves (RFC 6761), so this asks no real server.
    assertThatThrownBy(() -> cache(URI.create("http://hub.invalid")).resolve("gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageStartingWith("cannot download gpt2 from http://hub.invalid: host not found")
        .hasMessageContaining("This machine may be offline");
  }

  @Test
  void neitherDirectoryNorHubIdIsNamedAsSuch() {
    assertThatThrownBy(() -> cache(hub.endpoint()).resolve("./no/such/dir"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("no such directory, and not a hub id");
    assertThat(hub.requests()).isEmpty();
  }

  private HubModelCache cache(URI endpoint) {
    return cache(endpoint, Map.of());
  }

  private HubModelCache cache(URI endpoint, Map<String, String> moreEnv) {
    Map<String, String> env = new HashMap<>(moreEnv);
    env.put("HF_ENDPOINT", endpoint.toString());
    env.put("NEURON_EXPLAINER_CACHE", cacheRoot.toString());
    HubConfig config = HubConfig.fromEnv(env, Path.of("/nonexistent-home"));
    HttpClient client = HttpClient.newHttpClient();
    return new HubModelCache(
        config, client, new PrintStream(log, true, StandardCharsets.UTF_8), false);
  }

  private Path repo(String name, List<String> files) throws IOException {
    Path dir = Files.createDirectories(repos.resolve(name));
    copy(dir, files);
    return dir;
  }

  private static void copy(Path dir, List<String> files) throws IOException {
    for (String file : files) {
      Files.copy(Fixtures.hfGpt2Reference().resolve(file), dir.resolve(file));
    }
  }

  private static List<Path> partFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".part")).toList();
    }
  }

  @Test
  void anSaeOnTheHubIsDownloadedOnceIntoItsRepositorysFolder() throws IOException {
    Path saes = repos.resolve("saes");
    Path weights =
        Files.createDirectories(saes.resolve("blocks.1.hook_resid_pre"))
            .resolve("sae_weights.safetensors");
    Files.writeString(weights.resolveSibling("cfg.json"), "{\"d_in\": 8}");
    Files.write(weights, new byte[] {1, 2, 3, 4});
    hub.serve("someone/saes", saes);
    HubModelCache cache = cache(hub.endpoint());

    Path dir = cache.resolveSae("hf:someone/saes/blocks.1.hook_resid_pre");
    assertThat(dir)
        .isEqualTo(cacheRoot.resolve("models/someone--saes/main/blocks.1.hook_resid_pre"));
    assertThat(dir.resolve("sae_weights.safetensors")).hasSameBinaryContentAs(weights);
    assertThat(dir.resolve(HubModelCache.SAE_COMPLETE)).exists();
    int before = hub.requests().size();
    assertThat(cache(hub.endpoint()).resolveSae("hf:someone/saes/blocks.1.hook_resid_pre"))
        .isEqualTo(dir);
    assertThat(hub.requests()).hasSize(before);
    // A directory is itself.
    assertThat(cache.resolveSae(saes.toString())).isEqualTo(saes);
  }

  @Test
  void anSaeFolderWithoutItsWeightsIsRefusedAndNotMarkedComplete() throws IOException {
    Path saes = repos.resolve("saes");
    Files.createDirectories(saes.resolve("half"));
    Files.writeString(saes.resolve("half/cfg.json"), "{}");
    hub.serve("someone/saes", saes);

    assertThatThrownBy(() -> cache(hub.endpoint()).resolveSae("hf:someone/saes/half"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("someone/saes on " + hub.endpoint())
        .hasMessageContaining("has no half/sae_weights.safetensors");
    assertThat(cacheRoot.resolve("models/someone--saes/main/half/" + HubModelCache.SAE_COMPLETE))
        .doesNotExist();
    assertThatThrownBy(() -> cache(hub.endpoint()).resolveSae("hf:gpt2"))
        .isInstanceOf(HubException.class)
        .hasMessageContaining("owner/repository");
  }
}
