package org.neuronexplainer.worker.capture;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.types.DataType;

/**
 * The one place that turns {@link ComputeOptions} into a DJL device and data type, so the same code
 * runs on the CPU here and on CUDA on GPU pods.
 */
record Compute(Engine engine, Device device, DataType dataType) {
  static final String ENGINE = "PyTorch";

  static Compute of(ComputeOptions options) {
    Engine engine;
    try {
      engine = Engine.getEngine(ENGINE);
    } catch (EngineException | IllegalArgumentException e) {
      throw new CheckpointException(
          "cannot start DJL's PyTorch engine (run with -Dai.djl.offline=true and the bundled"
              + " pytorch-native-cpu jar on the class path): "
              + e.getMessage(),
          e);
    }
    return new Compute(engine, device(engine, options.device()), dataType(options.precision()));
  }

  private static Device device(Engine engine, String name) {
    if (name.equals("auto")) {
      return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
    if (name.equals("cpu")) {
      return Device.cpu();
    }
    int id = name.contains(":") ? Integer.parseInt(name.substring(name.indexOf(':') + 1)) : 0;
    if (engine.getGpuCount() == 0) {
      throw new CheckpointException(
          "device " + name + " asked for, but no GPU is present: the PyTorch engine sees none");
    }
    if (id >= engine.getGpuCount()) {
      throw new CheckpointException(
          "device " + name + " asked for, but the engine sees " + engine.getGpuCount() + " GPUs");
    }
    return Device.gpu(id);
  }

  private static DataType dataType(Precision precision) {
    return switch (precision) {
      case FLOAT32 -> DataType.FLOAT32;
      case FLOAT16 -> DataType.FLOAT16;
      case BFLOAT16 -> throw new IllegalStateException("refused by ComputeOptions");
    };
  }
}
