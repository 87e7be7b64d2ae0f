"""tadka.train: one YAML config → TRL SFTTrainer + PEFT (LoRA, DoRA, QLoRA, prefix tuning, IA3), and
distillation (TRL's GKD, or logit KD).

Importing this package, its config, CLI and the background-run API (:mod:`tadka.train.runs`) never
imports torch: the core install has none. The modules that train (``trainer``, ``callbacks``,
``distill``) import the `train` extra when a run starts and raise MissingExtra when it is absent.

    config      the ``train:`` section of tadka.yaml (TrainConfig)
    run         one run start to end: checks, resume, run folder, run card
    runs        background runs for the review app's Train page
    data        export → chats; skipped-chat accounting; length checks
    models      base resolution, the offline SmolLM2 (GGUF → cached safetensors), the tiny test model
    templates   training chat templates with {% generation %} markers
    adapters    PEFT configs and target layers
    trainer     SFTConfig / SFTTrainer and the training loop
    distill     GKD and logit-KD trainers
    callbacks   console lines, metrics.jsonl, status.json, clean stop
    card        run card and loss.png
    merge       adapter → full-precision merged model
    demo        the demo workspace (shipped Hinglish chats + seed tasks)
    cli         `tadka train` / `python -m tadka.train`
"""
