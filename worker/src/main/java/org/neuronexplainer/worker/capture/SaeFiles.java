package org.neuronexplainer.worker.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.neuronexplainer.common.dataset.DatasetSubject;
import org.neuronexplainer.common.hub.HubSaeRef;

/**
 * A sparse autoencoder on disk in SAELens' layout, its settings read and its files found: {@code
 * cfg.json} and {@code sae_weights.safetensors}. Its weights are read by {@link
 * SubjectModel#loadSae}.
 *
 * @param name what the SAE is called: its dataset's folder under {@code saes/}
 * @param directory where it was read
 * @param config its {@code cfg.json}
 */
public record SaeFiles(String name, Path directory, SaeConfig config) {

  public static final String WEIGHTS = "sae_weights.safetensors";

  public SaeFiles {
    DatasetSubject.checkSaeName(name);
  }

  /**
   * Reads {@code [NAME=]DIR} or {@code [NAME=]hf:owner/name/folder[@revision]}; without a name the
   * SAE is named after its directory, or its folder on the hub.
   *
   * @param locate the local directory of a location: a directory itself, an SAE on the hub its
   *     downloaded copy ({@link org.neuronexplainer.worker.capture.hub.HubModelCache#resolveSae})
   * @throws IllegalArgumentException for a malformed name or hub reference
   * @throws CheckpointException naming a missing directory, file or unsupported setting
   */
  public static SaeFiles parse(String argument, Function<String, Path> locate) {
    int equals = argument.indexOf('=');
    String location = equals > 0 ? argument.substring(equals + 1) : argument;
    String name;
    if (equals > 0) {
      name = argument.substring(0, equals);
    } else if (HubSaeRef.isRef(location)) {
      name = HubSaeRef.parse(location).defaultName();
    } else {
      Path fileName = Path.of(location).toAbsolutePath().normalize().getFileName();
      name = fileName == null ? "" : fileName.toString();
    }
    DatasetSubject.checkSaeName(name);
    return open(name, locate.apply(location));
  }

  /**
   * Reads the SAE in {@code directory} under {@code name}.
   *
   * @throws CheckpointException naming a missing directory, file or unsupported setting
   */
  public static SaeFiles open(String name, Path directory) {
    DatasetSubject.checkSaeName(name);
    if (!Files.isDirectory(directory)) {
      throw new CheckpointException("SAE " + name + ": no directory " + directory);
    }
    Path weights = directory.resolve(WEIGHTS);
    SaeConfig config;
    try {
      config = SaeConfig.read(directory.resolve(SaeConfig.FILE));
    } catch (CheckpointException e) {
      throw new CheckpointException("SAE " + name + ": " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(weights)) {
      throw new CheckpointException("SAE " + name + ": missing " + weights);
    }
    return new SaeFiles(name, directory, config);
  }

  public Path weights() {
    return directory.resolve(WEIGHTS);
  }

  /**
   * Checks, from the weights file's header alone, that it holds every tensor the config needs in
   * the shapes it implies.
   *
   * @throws CheckpointException naming the SAE and the missing or mis-shaped tensor
   */
  public void checkWeights() {
    SaeEncoder.checkTensors(this);
  }
}
