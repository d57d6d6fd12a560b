package dev.spatialvqa.pipelines.options;

/** Every option of the main job: the mixins combined. */
public interface SpatialVqaOptions
    extends InputOptions,
        OutputOptions,
        GeometryOptions,
        QaOptions,
        ModelOptions,
        IngestOptions,
        DedupeOptions,
        MixOptions {}
