<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Loading cancelled.</source>
        <translation>已取消加载。</translation>
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
        <source>Model loaded.</source>
        <translation>模型已加载。</translation>
    </message>
    <message>
        <source>The model could not be opened.</source>
        <translation>无法打开该模型。</translation>
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
