<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AnalysisPanel</name>
    <message>
        <source>text, JSON Lines or C4 .json.gz</source>
        <translation>文本、JSON Lines 或 C4 .json.gz</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Choose Data</source>
        <translation>选择数据</translation>
    </message>
    <message>
        <source>Datasets (*.txt *.jsonl *.json *.gz);;All files (*)</source>
        <translation>数据集 (*.txt *.jsonl *.json *.gz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Data:</source>
        <translation>数据：</translation>
    </message>
    <message>
        <source>Documents to use; 0 uses all</source>
        <translation>使用的文档数；0 表示全部</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Longer documents are truncated</source>
        <translation>更长的文档会被截断</translation>
    </message>
    <message>
        <source>Documents per forward pass</source>
        <translation>每次前向传播的文档数</translation>
    </message>
    <message>
        <source>Which documents are sampled</source>
        <translation>决定抽取哪些文档</translation>
    </message>
    <message>
        <source>Samples:</source>
        <translation>样本数：</translation>
    </message>
    <message>
        <source>Max tokens:</source>
        <translation>最大词元数：</translation>
    </message>
    <message>
        <source>Batch:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Measure Distances</source>
        <translation>测量距离</translation>
    </message>
    <message>
        <source>Angular distance, last token</source>
        <translation>角距离，最后一个词元</translation>
    </message>
    <message>
        <source>Angular distance, all tokens</source>
        <translation>角距离，全部词元</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>度量：</translation>
    </message>
    <message>
        <source>Normalise each row (as in the paper)</source>
        <translation>逐行归一化（与论文一致）</translation>
    </message>
</context>
<context>
    <name>ExportModelDialog</name>
    <message>
        <source>Export Pruned Model</source>
        <translation>导出剪枝后的模型</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder to Create the Model In</source>
        <translation>在其中创建模型的文件夹</translation>
    </message>
    <message>
        <source>New model folder:</source>
        <translation>新模型文件夹：</translation>
    </message>
    <message>
        <source>Keep the checkpoint&apos;s (%1)</source>
        <translation>保持检查点的类型（%1）</translation>
    </message>
    <message>
        <source>Weights stored as:</source>
        <translation>权重存储类型：</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <source>Largest shard:</source>
        <translation>最大分片：</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Replace Folder?</source>
        <translation>替换文件夹？</translation>
    </message>
    <message>
        <source>%1 already exists. Replace it? The old folder is removed only once the new one is complete.</source>
        <translation>%1 已存在。要替换吗？只有在新文件夹完整写好后才会删除旧文件夹。</translation>
    </message>
</context>
<context>
    <name>LayerStrip</name>
    <message>
        <source>Drag across layers to select a block to drop</source>
        <translation>在层上拖动以选择要删除的块</translation>
    </message>
    <message>
        <source>Layers: drag to select a block</source>
        <translation>层：拖动以选择一个块</translation>
    </message>
    <message>
        <source>Layer %1 selected</source>
        <translation>已选择第 %1 层</translation>
    </message>
    <message>
        <source>Layers %1–%2 selected</source>
        <translation>已选择第 %1–%2 层</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>LayerCut</source>
        <translation>LayerCut</translation>
    </message>
    <message>
        <source>&lt;h2&gt;LayerCut&lt;/h2&gt;&lt;p&gt;Open a Hugging Face checkpoint folder (Llama, Mistral, Qwen2, Qwen3; safetensors) to see which of its layers can be dropped.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;LayerCut&lt;/h2&gt;&lt;p&gt;打开一个 Hugging Face 检查点文件夹（Llama、Mistral、Qwen2、Qwen3；safetensors 格式），查看其中哪些层可以删除。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open Model Folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open Model Folder…</source>
        <translation>打开模型文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About LayerCut</source>
        <translation>关于 LayerCut(&amp;A)</translation>
    </message>
    <message>
        <source>About LayerCut</source>
        <translation>关于 LayerCut</translation>
    </message>
    <message>
        <source>&lt;b&gt;LayerCut %1&lt;/b&gt;&lt;p&gt;Explore layer pruning of large language models: angular distances between layers, pruning, QLoRA healing and evaluation.&lt;/p&gt;&lt;p&gt;Licensed under the GNU GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;b&gt;LayerCut %1&lt;/b&gt;&lt;p&gt;探索大语言模型的层剪枝：层间角距离、剪枝、QLoRA 修复与评测。&lt;/p&gt;&lt;p&gt;依据 GNU GPL 第 3 版或更高版本授权。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>Precision:</source>
        <translation>精度：</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Automatic: float32 on the CPU, the checkpoint&apos;s own type on a GPU</source>
        <translation>自动：CPU 上使用 float32，GPU 上使用检查点自身的类型</translation>
    </message>
    <message>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
    <message>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Opening checkpoint…</source>
        <translation>正在打开检查点…</translation>
    </message>
    <message>
        <source>Loading weights…</source>
        <translation>正在加载权重…</translation>
    </message>
    <message>
        <source>%1 %2 of %3</source>
        <translation>%1 %2 / %3</translation>
    </message>
    <message>
        <source>%1 — LayerCut</source>
        <translation>%1 — LayerCut</translation>
    </message>
    <message>
        <source>The model could not be opened.</source>
        <translation>无法打开该模型。</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Analysis</source>
        <translation>分析</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Export Heatmap &amp;Image…</source>
        <translation>导出热力图图像(&amp;I)…</translation>
    </message>
    <message>
        <source>Export Heatmap &amp;Data…</source>
        <translation>导出热力图数据(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Measure Distances</source>
        <translation>测量距离(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Choose a dataset first.</source>
        <translation>请先选择数据集。</translation>
    </message>
    <message>
        <source>The analysis needs text to run through the model: a text file, JSON Lines, or a C4 .json.gz file.</source>
        <translation>分析需要让文本通过模型：文本文件、JSON Lines 或 C4 .json.gz 文件。</translation>
    </message>
    <message>
        <source>The distances could not be measured.</source>
        <translation>无法测量距离。</translation>
    </message>
    <message>
        <source>Reading %1…</source>
        <translation>正在读取 %1…</translation>
    </message>
    <message>
        <source>Reading and tokenising the data…</source>
        <translation>正在读取并分词数据…</translation>
    </message>
    <message>
        <source>Measuring distances…</source>
        <translation>正在测量距离…</translation>
    </message>
    <message>
        <source>%1 %2 of %3 samples, %4 tokens/s, %5 left</source>
        <translation>%1 %2 / %3 个样本，%4 词元/秒，剩余 %5</translation>
    </message>
    <message>
        <source>Model loaded in %1 s.</source>
        <translation>模型已在 %1 秒内加载。</translation>
    </message>
    <message>
        <source>Choose a dataset and press Measure Distances.</source>
        <translation>选择数据集，然后点击“测量距离”。</translation>
    </message>
    <message>
        <source>%1 samples, %2 tokens (from the cache).</source>
        <translation>%1 个样本，%2 个词元（来自缓存）。</translation>
    </message>
    <message>
        <source>%1 samples, %2 tokens, measured in %3 s.</source>
        <translation>%1 个样本，%2 个词元，用时 %3 秒。</translation>
    </message>
    <message>
        <source>Export Heatmap Image</source>
        <translation>导出热力图图像</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 图像 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>The image could not be saved.</source>
        <translation>无法保存图像。</translation>
    </message>
    <message>
        <source>Export Heatmap Data</source>
        <translation>导出热力图数据</translation>
    </message>
    <message>
        <source>CSV table (*.csv);;JSON (*.json)</source>
        <translation>CSV 表格 (*.csv);;JSON (*.json)</translation>
    </message>
    <message>
        <source>The data could not be saved.</source>
        <translation>无法保存数据。</translation>
    </message>
    <message>
        <source>Export &amp;Pruned Model…</source>
        <translation>导出剪枝后的模型(&amp;P)…</translation>
    </message>
    <message>
        <source>Write the model without the dropped layers as a folder that transformers loads</source>
        <translation>将去掉已删除层的模型写为 transformers 可直接加载的文件夹</translation>
    </message>
    <message>
        <source>&amp;Prune</source>
        <translation>剪枝(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Drop Selected Block</source>
        <translation>删除所选块(&amp;D)</translation>
    </message>
    <message>
        <source>Run the model without the selected layers and compare the held-out loss</source>
        <translation>在不含所选层的情况下运行模型，并比较留出数据上的损失</translation>
    </message>
    <message>
        <source>&amp;Restore All Layers</source>
        <translation>恢复所有层(&amp;R)</translation>
    </message>
    <message>
        <source>Measuring the held-out loss…</source>
        <translation>正在测量留出数据上的损失…</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>%1 %2 of %3 sequences</source>
        <translation>%1 %2 / %3 个序列</translation>
    </message>
    <message>
        <source>These layers cannot be dropped.</source>
        <translation>无法删除这些层。</translation>
    </message>
    <message>
        <source>The layers could not be dropped.</source>
        <translation>未能删除这些层。</translation>
    </message>
    <message>
        <source>Dropping layers…</source>
        <translation>正在删除层…</translation>
    </message>
    <message>
        <source>Running %1 of %2 layers.</source>
        <translation>正在运行 %2 层中的 %1 层。</translation>
    </message>
    <message>
        <source>Running all %1 layers.</source>
        <translation>正在运行全部 %1 层。</translation>
    </message>
    <message>
        <source>The pruned model could not be exported.</source>
        <translation>无法导出剪枝后的模型。</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>正在导出到 %1…</translation>
    </message>
    <message numerus="yes">
        <source>Exported %1 (%2 in %n shard(s)).</source>
        <translation>
            <numerusform>已导出 %1（%2，共 %n 个分片）。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelSummaryPanel</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>系列</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <source>Hidden size</source>
        <translation>隐藏维度</translation>
    </message>
    <message>
        <source>Intermediate size</source>
        <translation>中间层维度</translation>
    </message>
    <message>
        <source>Attention heads</source>
        <translation>注意力头数</translation>
    </message>
    <message>
        <source>Key/value heads</source>
        <translation>键/值头数</translation>
    </message>
    <message>
        <source>Head dimension</source>
        <translation>头维度</translation>
    </message>
    <message>
        <source>Vocabulary</source>
        <translation>词表大小</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Parameters per layer</source>
        <translation>每层参数量</translation>
    </message>
    <message>
        <source>RoPE</source>
        <translation>RoPE</translation>
    </message>
    <message>
        <source>Tied embeddings</source>
        <translation>共享词嵌入</translation>
    </message>
    <message>
        <source>Checkpoint</source>
        <translation>检查点</translation>
    </message>
    <message>
        <source>Tokenizer</source>
        <translation>分词器</translation>
    </message>
    <message>
        <source>Running on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <source>%1 (grouped-query attention)</source>
        <translation>%1（分组查询注意力）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 (%2% of the model)</source>
        <translation>%1（占模型的 %2%）</translation>
    </message>
    <message>
        <source>θ = %1</source>
        <translation>θ = %1</translation>
    </message>
    <message>
        <source>, linear scaling ×%1</source>
        <translation>，线性缩放 ×%1</translation>
    </message>
    <message>
        <source>, Llama 3 scaling ×%1</source>
        <translation>，Llama 3 缩放 ×%1</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message numerus="yes">
        <source>%1, %2 in %n file(s)</source>
        <translation>
            <numerusform>%1，%2，共 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
</context>
<context>
    <name>SelectionPanel</name>
    <message>
        <source>Layers dropped:</source>
        <translation>删除的层：</translation>
    </message>
    <message>
        <source>Layers kept:</source>
        <translation>保留的层：</translation>
    </message>
    <message>
        <source>Distance d:</source>
        <translation>距离 d：</translation>
    </message>
    <message>
        <source>Parameters removed:</source>
        <translation>删除的参数：</translation>
    </message>
    <message>
        <source>Memory saved:</source>
        <translation>节省的内存：</translation>
    </message>
    <message>
        <source>select a block on the heatmap or the layer strip</source>
        <translation>在热力图或层条上选择一个块</translation>
    </message>
    <message numerus="yes">
        <source>%1 (%n layer(s))</source>
        <translation>
            <numerusform>%1（%n 层）</numerusform>
        </translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 (%2% of the model)</source>
        <translation>%1（占模型的 %2%）</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>&lt;b&gt;Model now&lt;/b&gt;</source>
        <translation>&lt;b&gt;当前模型&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Running:</source>
        <translation>运行中：</translation>
    </message>
    <message>
        <source>Held-out loss:</source>
        <translation>留出损失：</translation>
    </message>
    <message>
        <source>%1 of %2 layers; dropped %3</source>
        <translation>%2 层中的 %1 层；已删除 %3</translation>
    </message>
    <message>
        <source>all %1 layers</source>
        <translation>全部 %1 层</translation>
    </message>
    <message>
        <source>choose analysis data to check the loss</source>
        <translation>选择分析数据以检查损失</translation>
    </message>
    <message>
        <source>%1 (perplexity %2)</source>
        <translation>%1（困惑度 %2）</translation>
    </message>
    <message>
        <source>before %1, after %2: %3%4</source>
        <translation>之前 %1，之后 %2：%3%4</translation>
    </message>
    <message numerus="yes">
        <source>%n held-out sequence(s), %1 tokens</source>
        <translation>
            <numerusform>%n 个留出序列，%1 个词元</numerusform>
        </translation>
    </message>
    <message>
        <source>(the analysis used every document, so these overlap it)</source>
        <translation>（分析使用了全部文档，因此与之重叠）</translation>
    </message>
</context>
<context>
    <name>SimilarityHeatmap</name>
    <message>
        <source>Optimal start l*(n)</source>
        <translation>最优起点 l*(n)</translation>
    </message>
    <message>
        <source>Start layer l</source>
        <translation>起始层 l</translation>
    </message>
    <message>
        <source>Block size n</source>
        <translation>块大小 n</translation>
    </message>
    <message>
        <source>Angular distance d(l, n), last token</source>
        <translation>角距离 d(l, n)，最后一个词元</translation>
    </message>
    <message>
        <source>Angular distance, mean over all tokens</source>
        <translation>角距离，全部词元的平均值</translation>
    </message>
    <message>
        <source>%1, normalised per row</source>
        <translation>%1，逐行归一化</translation>
    </message>
    <message>
        <source>start l = %1, block size n = %2
d = %3
drops layers %4–%5 (0-based, inclusive)</source>
        <translation>起点 l = %1，块大小 n = %2
d = %3
删除第 %4–%5 层（从 0 开始，含两端）</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Explore layer pruning of large language models.</source>
        <translation>探索大语言模型的层剪枝。</translation>
    </message>
    <message>
        <source>Model folder to open.</source>
        <translation>要打开的模型文件夹。</translation>
    </message>
</context>
</TS>
