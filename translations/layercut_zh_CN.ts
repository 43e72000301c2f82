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
    <name>AnalysisTabs</name>
    <message>
        <source>Distances</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Healing</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Importance</source>
        <translation>重要性</translation>
    </message>
    <message>
        <source>Preparing to heal…</source>
        <translation>正在准备修复…</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
</context>
<context>
    <name>BenchmarkQuestionPicker</name>
    <message>
        <source>Benchmark question:</source>
        <translation>基准测试题目：</translation>
    </message>
    <message>
        <source>GSM8K</source>
        <translation>GSM8K</translation>
    </message>
    <message>
        <source>MMLU</source>
        <translation>MMLU</translation>
    </message>
    <message>
        <source>BoolQ</source>
        <translation>BoolQ</translation>
    </message>
    <message>
        <source>A question of the file set in the Evaluation dock, asked as the evaluation asks it</source>
        <translation>“评测”面板中所设文件里的一道题，提问方式与评测相同</translation>
    </message>
    <message>
        <source>No. </source>
        <translation>第 </translation>
    </message>
    <message>
        <source>The question&apos;s place in the file (MMLU: over the subjects in alphabetical order)</source>
        <translation>题目在文件中的序号（MMLU：按科目字母顺序连续编号）</translation>
    </message>
    <message>
        <source> shots</source>
        <translation> 个示例</translation>
    </message>
    <message>
        <source>Solved examples before the question (the harness&apos;s defaults: 5 for GSM8K and MMLU, none for BoolQ)</source>
        <translation>题目前给出的已解答示例数（评测框架默认：GSM8K 与 MMLU 为 5，BoolQ 为 0）</translation>
    </message>
    <message>
        <source>Use Question</source>
        <translation>使用此题</translation>
    </message>
    <message>
        <source>Put the question&apos;s prompt, its stop strings and a fitting number of new tokens into the form</source>
        <translation>将该题的提示、停止字符串和合适的新词元数填入表单</translation>
    </message>
    <message>
        <source>Reference answer: %1</source>
        <translation>参考答案：%1</translation>
    </message>
    <message>
        <source>Reference answer: %1 (%2; %3)</source>
        <translation>参考答案：%1（%2；%3）</translation>
    </message>
    <message>
        <source>Set the %1 file in the Evaluation dock first.</source>
        <translation>请先在“评测”面板中设置 %1 文件。</translation>
    </message>
    <message numerus="yes">
        <source>The file has %n question(s) to ask.</source>
        <translation>
            <numerusform>该文件共有 %n 道可提问的题目。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChartExports</name>
    <message>
        <source>PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)</source>
        <translation>PNG 图像 (*.png);;SVG 图像 (*.svg);;PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <source>The image could not be saved.</source>
        <translation>无法保存图像。</translation>
    </message>
    <message>
        <source>Export Heatmap Image</source>
        <translation>导出热力图图像</translation>
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
        <source>Export Loss Chart Image</source>
        <translation>导出损失曲线图像</translation>
    </message>
    <message>
        <source>Export Loss Data</source>
        <translation>导出损失数据</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>CSV 表格 (*.csv)</translation>
    </message>
    <message>
        <source>Export Sweep Chart Image</source>
        <translation>导出扫描图表图像</translation>
    </message>
    <message>
        <source>Export Sweep Data</source>
        <translation>导出扫描数据</translation>
    </message>
</context>
<context>
    <name>DeviceComboBox</name>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>GPU %1 (%2)</source>
        <translation>GPU %1（%2）</translation>
    </message>
    <message>
        <source>All %1 GPUs, the layers spread over them</source>
        <translation>全部 %1 块 GPU，各层分布于其上</translation>
    </message>
    <message>
        <source>Where the model opens. All GPUs: contiguous runs of layers on each GPU by its free memory, the hidden states passing from one to the next; the results equal one GPU&apos;s.</source>
        <translation>模型在何处打开。全部 GPU：按各 GPU 的空闲显存为其分配连续的若干层，隐藏状态依次从一块传到下一块；结果与单块 GPU 相同。</translation>
    </message>
    <message>
        <source>GPUs 0–%1, the layers spread over them</source>
        <translation>GPU 0–%1，各层分布于其上</translation>
    </message>
</context>
<context>
    <name>EvaluationPanel</name>
    <message>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <source>File…</source>
        <translation>文件…</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Benchmarks</source>
        <translation>基准测试</translation>
    </message>
    <message>
        <source>MMLU:</source>
        <translation>MMLU：</translation>
    </message>
    <message>
        <source>Choose MMLU</source>
        <translation>选择 MMLU</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl *.json);;All files (*)</source>
        <translation>JSON Lines (*.jsonl *.json);;所有文件 (*)</translation>
    </message>
    <message>
        <source>none: skip MMLU</source>
        <translation>无：跳过 MMLU</translation>
    </message>
    <message>
        <source>The MMLU release folder (data/dev and data/test CSV files) or a JSON Lines file like cais/mmlu&apos;s</source>
        <translation>MMLU 发布版文件夹（data/dev 与 data/test 下的 CSV 文件），或类似 cais/mmlu 的 JSON Lines 文件</translation>
    </message>
    <message>
        <source>BoolQ:</source>
        <translation>BoolQ：</translation>
    </message>
    <message>
        <source>Choose BoolQ</source>
        <translation>选择 BoolQ</translation>
    </message>
    <message>
        <source>none: skip BoolQ</source>
        <translation>无：跳过 BoolQ</translation>
    </message>
    <message>
        <source>Loss data:</source>
        <translation>损失数据：</translation>
    </message>
    <message>
        <source>Choose Validation Text</source>
        <translation>选择验证文本</translation>
    </message>
    <message>
        <source>Datasets (*.txt *.jsonl *.json *.gz);;All files (*)</source>
        <translation>数据集 (*.txt *.jsonl *.json *.gz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>the analysis data</source>
        <translation>分析数据</translation>
    </message>
    <message>
        <source>Text for the held-out loss, also shown divided by ln V (1.0 is uniform guessing)</source>
        <translation>用于留出损失的文本；同时显示除以 ln V 后的值（1.0 相当于均匀随机猜测）</translation>
    </message>
    <message>
        <source>Solved MMLU examples before each question (the harness&apos;s default is 5)</source>
        <translation>每个问题前给出的 MMLU 已解答示例数（评测框架默认为 5）</translation>
    </message>
    <message>
        <source>MMLU shots:</source>
        <translation>MMLU 示例数：</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Limit per subject:</source>
        <translation>每学科上限：</translation>
    </message>
    <message>
        <source>Evaluate Model</source>
        <translation>评测模型</translation>
    </message>
    <message>
        <source>Evaluate the model as it is now: pruned and healed as the other docks left it</source>
        <translation>按模型当前状态评测：即其他面板留下的剪枝与修复状态</translation>
    </message>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Fractions of the layers to drop, separated by commas</source>
        <translation>要删除的层比例，用逗号分隔</translation>
    </message>
    <message>
        <source>Fractions:</source>
        <translation>比例：</translation>
    </message>
    <message>
        <source>Most similar block</source>
        <translation>最相似的块</translation>
    </message>
    <message>
        <source>Drop the block of smallest angular distance, measured on the analysis data</source>
        <translation>删除角距离最小的块（在分析数据上测量）</translation>
    </message>
    <message>
        <source>Deepest before the last</source>
        <translation>最后一层之前的最深层</translation>
    </message>
    <message>
        <source>The paper&apos;s heuristic: drop the layers just before the last one</source>
        <translation>论文的启发式方法：删除紧挨最后一层之前的那些层</translation>
    </message>
    <message>
        <source>Last layers</source>
        <translation>最后几层</translation>
    </message>
    <message>
        <source>Drop the last layers</source>
        <translation>删除最后几层</translation>
    </message>
    <message>
        <source>Strategies:</source>
        <translation>策略：</translation>
    </message>
    <message>
        <source>no healing</source>
        <translation>不修复</translation>
    </message>
    <message>
        <source>Heal each pruned model for this many steps with the Healing dock&apos;s settings and evaluate it again</source>
        <translation>按“修复”面板的设置将每个剪枝后的模型修复这么多步，然后再次评测</translation>
    </message>
    <message>
        <source>Heal steps per point:</source>
        <translation>每点修复步数：</translation>
    </message>
    <message>
        <source>Result file:</source>
        <translation>结果文件：</translation>
    </message>
    <message>
        <source>Choose Result File</source>
        <translation>选择结果文件</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Written after every point; a file of an interrupted sweep with the same settings is resumed</source>
        <translation>每完成一个点就写入；若已有相同设置且中断的扫描文件，则从中继续</translation>
    </message>
    <message>
        <source>Run Sweep</source>
        <translation>运行扫描</translation>
    </message>
    <message>
        <source>Evaluate the model at every fraction and strategy, unhealed and healed</source>
        <translation>在每个比例和策略下评测模型，包括未修复与修复后</translation>
    </message>
    <message>
        <source>Per-Layer Importance</source>
        <translation>逐层重要性</translation>
    </message>
    <message>
        <source>none: skip the loss</source>
        <translation>无：跳过损失</translation>
    </message>
    <message>
        <source>the analysis data: %1</source>
        <translation>分析数据：%1</translation>
    </message>
    <message>
        <source>BoolQ questions as JSON Lines (question, passage, answer or label)</source>
        <translation>JSON Lines 格式的 BoolQ 问题（question、passage、answer 或 label）</translation>
    </message>
    <message>
        <source>Solved BoolQ examples before each question, taken from the file&apos;s first rows and then not scored (the harness&apos;s default is 0)</source>
        <translation>每个问题前附带的已解答 BoolQ 示例，取自文件的前几行，这些行不再计分（评测框架默认为 0）</translation>
    </message>
    <message>
        <source>BoolQ shots:</source>
        <translation>BoolQ 示例数：</translation>
    </message>
    <message>
        <source>GSM8K:</source>
        <translation>GSM8K：</translation>
    </message>
    <message>
        <source>Choose GSM8K</source>
        <translation>选择 GSM8K</translation>
    </message>
    <message>
        <source>none: skip GSM8K</source>
        <translation>无：跳过 GSM8K</translation>
    </message>
    <message>
        <source>GSM8K problems as JSON Lines (question, answer): the model solves each by greedy generation and the final number must match, as lm-evaluation-harness scores it</source>
        <translation>JSON Lines 格式的 GSM8K 题目（question、answer）：模型以贪心生成逐题求解，最终数字须与答案一致，与 lm-evaluation-harness 的评分相同</translation>
    </message>
    <message>
        <source>GSM8K examples:</source>
        <translation>GSM8K 示例：</translation>
    </message>
    <message>
        <source>Choose GSM8K Examples</source>
        <translation>选择 GSM8K 示例</translation>
    </message>
    <message>
        <source>the GSM8K file&apos;s first rows</source>
        <translation>GSM8K 文件的前几行</translation>
    </message>
    <message>
        <source>Solved problems whose first rows are the few-shot examples (GSM8K&apos;s train.jsonl, as the harness takes them); empty: the GSM8K file&apos;s first rows, then not scored</source>
        <translation>已解答的题目，其前几行作为少样本示例（GSM8K 的 train.jsonl，与评测框架的取法相同）；为空时：取 GSM8K 文件的前几行，这些行不再计分</translation>
    </message>
    <message>
        <source>Solved GSM8K problems before each question (the harness&apos;s default is 5)</source>
        <translation>每道题前给出的已解答 GSM8K 题目数（评测框架默认 5）</translation>
    </message>
    <message>
        <source>GSM8K shots:</source>
        <translation>GSM8K 示例数：</translation>
    </message>
    <message>
        <source>Tokens the model may write per GSM8K answer at most (the harness&apos;s default is 256); it stops earlier at &quot;Question:&quot;, a blank line or its end-of-text token</source>
        <translation>模型每个 GSM8K 答案最多可写的词元数（评测框架默认 256）；遇到 &quot;Question:&quot;、空行或其文本结束词元时提前停止</translation>
    </message>
    <message>
        <source>GSM8K answer tokens:</source>
        <translation>GSM8K 答案词元数：</translation>
    </message>
    <message>
        <source>Questions per MMLU subject, of BoolQ and of GSM8K; all when 0</source>
        <translation>每个 MMLU 科目、BoolQ 和 GSM8K 的题目数；为 0 时全部</translation>
    </message>
    <message>
        <source>off: only drop layers</source>
        <translation>关闭：只删除层</translation>
    </message>
    <message>
        <source>Also insert a new block after each layer, train only it for this many steps on the new facts (with the Healing dock&apos;s settings) and ask the questions about them</source>
        <translation>另外在每一层之后插入一个新块，只用新知识训练它这么多步（使用“修复”停靠窗口的设置），然后就这些知识提问</translation>
    </message>
    <message>
        <source>Injection steps per layer:</source>
        <translation>每层注入步数：</translation>
    </message>
    <message>
        <source>Averaged with the next layer</source>
        <translation>与下一层取平均</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>How each new block starts (Llama SLayer averages, LLaMA Pro copies); either way it is the identity until trained</source>
        <translation>每个新块的初始化方式（Llama SLayer 取平均，LLaMA Pro 复制）；无论哪种，训练前它都是恒等映射</translation>
    </message>
    <message>
        <source>New block:</source>
        <translation>新块：</translation>
    </message>
    <message>
        <source>New facts:</source>
        <translation>新知识：</translation>
    </message>
    <message>
        <source>Choose the Text to Inject</source>
        <translation>选择要注入的文本</translation>
    </message>
    <message>
        <source>Text about facts the model has not seen: what each new block is trained on</source>
        <translation>关于模型未见过的事实的文本：每个新块用它训练</translation>
    </message>
    <message>
        <source>MMLU on them:</source>
        <translation>相关 MMLU：</translation>
    </message>
    <message>
        <source>Choose MMLU on the New Facts</source>
        <translation>选择关于新知识的 MMLU</translation>
    </message>
    <message>
        <source>MMLU-format questions about the new facts, asked with the shots and limit above</source>
        <translation>关于新知识的 MMLU 格式问题，按上面的示例数和上限提问</translation>
    </message>
    <message>
        <source>BoolQ on them:</source>
        <translation>相关 BoolQ：</translation>
    </message>
    <message>
        <source>Choose BoolQ on the New Facts</source>
        <translation>选择关于新知识的 BoolQ</translation>
    </message>
    <message>
        <source>BoolQ-format questions about the new facts</source>
        <translation>关于新知识的 BoolQ 格式问题</translation>
    </message>
    <message>
        <source>Drop each layer alone and measure what it costs; with injection steps, also insert and train a block after each layer and measure what it learnt</source>
        <translation>逐一单独删除每一层并测量其代价；设置了注入步数时，还会在每一层之后插入并训练一个块，测量它学到了什么</translation>
    </message>
</context>
<context>
    <name>EvaluationTable</name>
    <message>
        <source>Subject</source>
        <translation>学科</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>Correct</source>
        <translation>答对</translation>
    </message>
    <message>
        <source>Questions</source>
        <translation>题数</translation>
    </message>
    <message>
        <source>STEM</source>
        <translation>STEM</translation>
    </message>
    <message>
        <source>Humanities</source>
        <translation>人文</translation>
    </message>
    <message>
        <source>Social sciences</source>
        <translation>社会科学</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>No evaluation yet</source>
        <translation>尚未评测</translation>
    </message>
    <message>
        <source>Choose benchmarks in the Evaluation dock and press Evaluate Model.</source>
        <translation>在“评测”面板中选择基准测试，然后点击“评测模型”。</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评测</translation>
    </message>
    <message numerus="yes">
        <source>MMLU: %1 of %n question(s) right (%2; chance 25%)</source>
        <translation>
            <numerusform>MMLU：%n 道题中答对 %1 道（%2；随机水平 25%）</numerusform>
        </translation>
    </message>
    <message>
        <source>MMLU overall</source>
        <translation>MMLU 总体</translation>
    </message>
    <message>
        <source>MMLU %1</source>
        <translation>MMLU %1</translation>
    </message>
    <message>
        <source>all of the category</source>
        <translation>该类别全部</translation>
    </message>
    <message>
        <source>BoolQ: %1 (majority class %2)</source>
        <translation>BoolQ：%1（多数类 %2）</translation>
    </message>
    <message>
        <source>BoolQ</source>
        <translation>BoolQ</translation>
    </message>
    <message>
        <source>%1 tokens computed in %2 s</source>
        <translation>%2 秒内计算了 %1 个词元</translation>
    </message>
    <message>
        <source>held-out loss %1 nats per token, %2 of ln V (perplexity %3) on %4</source>
        <translation>留出损失 %1 奈特/词元，为 ln V 的 %2（困惑度 %3），基于 %4</translation>
    </message>
    <message>
        <source>GSM8K: %1 strict, %2 flexible (%3 tokens generated at %4 per second)</source>
        <translation>GSM8K：严格匹配 %1，宽松提取 %2（生成 %3 个词元，每秒 %4 个）</translation>
    </message>
    <message>
        <source>GSM8K, strict match</source>
        <translation>GSM8K，严格匹配</translation>
    </message>
    <message>
        <source>the &quot;#### number&quot; answer</source>
        <translation>“#### 数字”形式的答案</translation>
    </message>
    <message>
        <source>GSM8K, flexible extract</source>
        <translation>GSM8K，宽松提取</translation>
    </message>
    <message>
        <source>the last number</source>
        <translation>最后一个数字</translation>
    </message>
    <message numerus="yes">
        <source>%n GSM8K prompt(s) cut at the start to leave room for the answer</source>
        <translation>
            <numerusform>%n 个 GSM8K 提示的开头被截去，以便为答案留出空间</numerusform>
        </translation>
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
    <name>GenerationView</name>
    <message>
        <source>Type a prompt, e.g. &quot;Question: What is the capital of France?\nAnswer:&quot;</source>
        <translation>输入提示，例如 &quot;Question: What is the capital of France?\nAnswer:&quot;</translation>
    </message>
    <message>
        <source>New tokens:</source>
        <translation>新词元数：</translation>
    </message>
    <message>
        <source>e.g. Question:, \n\n</source>
        <translation>例如 Question:, \n\n</translation>
    </message>
    <message>
        <source>Texts that end a continuation, separated by commas (\n for a line break). The model&apos;s end-of-sequence token always ends it.</source>
        <translation>结束续写的文本，以逗号分隔（\n 表示换行）。模型的序列结束词元总会结束续写。</translation>
    </message>
    <message>
        <source>Stop at:</source>
        <translation>停止于：</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原始</translation>
    </message>
    <message>
        <source>Pruned</source>
        <translation>剪枝后</translation>
    </message>
    <message>
        <source>Healed</source>
        <translation>修复后</translation>
    </message>
    <message>
        <source>Models:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
    <message>
        <source>Each token&apos;s background: the probability its model gave it, from red (unlikely) through yellow to green (certain). Greedy decoding: each model picks its most likely token.</source>
        <translation>每个词元的背景色：其模型给出的概率，从红色（不太可能）经黄色到绿色（确定）。贪心解码：每个模型选择最可能的词元。</translation>
    </message>
    <message>
        <source>Original (%1 layers, the kept ones as healing&apos;s NF4 base)</source>
        <translation>原始（%1 层，保留的层为修复时的 NF4 底座）</translation>
    </message>
    <message>
        <source>Original (%1 layers)</source>
        <translation>原始（%1 层）</translation>
    </message>
    <message>
        <source>Pruned (%1 of %2 layers, healing&apos;s NF4 base)</source>
        <translation>剪枝后（%2 层中的 %1 层，修复时的 NF4 底座）</translation>
    </message>
    <message>
        <source>Pruned (%1 of %2 layers)</source>
        <translation>剪枝后（%2 层中的 %1 层）</translation>
    </message>
    <message>
        <source>Healed (%1 of %2 layers)</source>
        <translation>修复后（%2 层中的 %1 层）</translation>
    </message>
    <message>
        <source>Drop layers first: the model runs all of them.</source>
        <translation>请先删除层：模型正在运行全部层。</translation>
    </message>
    <message>
        <source>Heal the pruned model first.</source>
        <translation>请先修复剪枝后的模型。</translation>
    </message>
    <message>
        <source>Waiting…</source>
        <translation>等待中…</translation>
    </message>
    <message numerus="yes">
        <source>%n token(s), mean log-probability %1</source>
        <translation>
            <numerusform>%n 个词元，平均对数概率 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · stopped at &quot;%2&quot;</source>
        <translation>%1 · 停止于 &quot;%2&quot;</translation>
    </message>
    <message>
        <source>%1 · end of sequence</source>
        <translation>%1 · 序列结束</translation>
    </message>
    <message>
        <source>%1 · token limit</source>
        <translation>%1 · 达到词元上限</translation>
    </message>
    <message>
        <source>Not available: %1</source>
        <translation>不可用：%1</translation>
    </message>
    <message numerus="yes">
        <source>Pruned (%1 of %2 layers, %n new block(s) untrained)</source>
        <translation>
            <numerusform>剪枝后（%2 层中的 %1 层，%n 个未训练的新块）</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Healed (%1 of %2 layers, %n new block(s))</source>
        <translation>
            <numerusform>修复后（%2 层中的 %1 层，%n 个新块）</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HealingPanel</name>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>QLoRA: LoRA on an NF4-quantised base</source>
        <translation>QLoRA：在 NF4 量化的基座上训练 LoRA</translation>
    </message>
    <message>
        <source>LoRA on the dense base</source>
        <translation>在未量化的基座上训练 LoRA</translation>
    </message>
    <message>
        <source>Last k blocks, final norm and lm_head</source>
        <translation>最后 k 个块、最终归一化层和 lm_head</translation>
    </message>
    <message>
        <source>Full fine-tuning</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <source>The paper&apos;s healing: the frozen base in 4-bit NF4 (double quantisation), trainable low-rank adapters</source>
        <translation>论文中的修复方法：冻结的基座以 4 位 NF4 存储（双重量化），训练低秩适配器</translation>
    </message>
    <message>
        <source>Low-rank adapters on the base in its compute precision: more memory, no quantisation error</source>
        <translation>在计算精度的基座上训练低秩适配器：占用更多内存，但没有量化误差</translation>
    </message>
    <message>
        <source>Fine-tune the last k kept blocks, the final norm and lm_head; everything else stays frozen</source>
        <translation>微调保留下来的最后 k 个块、最终归一化层和 lm_head；其余部分保持冻结</translation>
    </message>
    <message>
        <source>Train every weight, embeddings included: needs the most memory</source>
        <translation>训练所有权重（包括嵌入层）：需要最多的内存</translation>
    </message>
    <message>
        <source>Train:</source>
        <translation>训练：</translation>
    </message>
    <message>
        <source>All linear layers (q, k, v, o, gate, up, down)</source>
        <translation>所有线性层（q、k、v、o、gate、up、down）</translation>
    </message>
    <message>
        <source>The projections that get LoRA adapters</source>
        <translation>添加 LoRA 适配器的投影层</translation>
    </message>
    <message>
        <source>Adapt:</source>
        <translation>适配：</translation>
    </message>
    <message>
        <source>LoRA rank r: the adapters&apos; inner dimension</source>
        <translation>LoRA 秩 r：适配器的内部维度</translation>
    </message>
    <message>
        <source>Rank r:</source>
        <translation>秩 r：</translation>
    </message>
    <message>
        <source>LoRA alpha; the update is scaled by alpha / r. Follows the rank (alpha = r) until you change it</source>
        <translation>LoRA alpha；更新量按 alpha / r 缩放。在你修改之前随秩变化（alpha = r）</translation>
    </message>
    <message>
        <source>Alpha:</source>
        <translation>Alpha：</translation>
    </message>
    <message>
        <source>Dropout on the input of each LoRA branch</source>
        <translation>每个 LoRA 分支输入上的 dropout</translation>
    </message>
    <message>
        <source>Dropout:</source>
        <translation>Dropout：</translation>
    </message>
    <message>
        <source>How many of the last kept blocks train</source>
        <translation>训练保留下来的最后几个块</translation>
    </message>
    <message>
        <source>Last k blocks:</source>
        <translation>最后 k 个块：</translation>
    </message>
    <message>
        <source>Optimisation</source>
        <translation>优化</translation>
    </message>
    <message>
        <source>Peak learning rate of AdamW, reached after the warmup</source>
        <translation>AdamW 的峰值学习率，预热结束后达到</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Warmup steps:</source>
        <translation>预热步数：</translation>
    </message>
    <message>
        <source>Cosine to 0</source>
        <translation>余弦衰减到 0</translation>
    </message>
    <message>
        <source>Constant</source>
        <translation>恒定</translation>
    </message>
    <message>
        <source>Schedule:</source>
        <translation>调度：</translation>
    </message>
    <message>
        <source>Optimizer steps</source>
        <translation>优化器步数</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>Sequences per optimizer step (global batch)</source>
        <translation>每个优化器步的序列数（全局批大小）</translation>
    </message>
    <message>
        <source>Batch:</source>
        <translation>批大小：</translation>
    </message>
    <message>
        <source>Sequences per forward pass; the batch accumulates over batch / micro-batch passes</source>
        <translation>每次前向传播的序列数；一个批次在 批大小 / 微批大小 次传播中累积</translation>
    </message>
    <message>
        <source>Micro-batch:</source>
        <translation>微批大小：</translation>
    </message>
    <message>
        <source>Tokens per training sequence; documents are packed into blocks of this length</source>
        <translation>每个训练序列的词元数；文档被打包成此长度的块</translation>
    </message>
    <message>
        <source>Sequence length:</source>
        <translation>序列长度：</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Clip the gradient&apos;s global norm to this; 0 turns clipping off</source>
        <translation>将梯度的全局范数裁剪到此值；0 表示不裁剪</translation>
    </message>
    <message>
        <source>Gradient clipping:</source>
        <translation>梯度裁剪：</translation>
    </message>
    <message>
        <source>Activation checkpointing</source>
        <translation>激活重计算（检查点）</translation>
    </message>
    <message>
        <source>Recompute each block in the backward pass: less memory, about a third slower</source>
        <translation>在反向传播中重新计算每个块：占用更少内存，速度约慢三分之一</translation>
    </message>
    <message>
        <source>Steps between validation losses</source>
        <translation>两次计算验证损失之间的步数</translation>
    </message>
    <message>
        <source>at the end</source>
        <translation>仅在结束时</translation>
    </message>
    <message>
        <source>Validate every:</source>
        <translation>验证间隔：</translation>
    </message>
    <message>
        <source>Steps between checkpoints written to the output folder; a run can resume from them</source>
        <translation>两次向输出文件夹写入检查点之间的步数；训练可以从检查点恢复</translation>
    </message>
    <message>
        <source>Checkpoint every:</source>
        <translation>检查点间隔：</translation>
    </message>
    <message>
        <source>Data and output</source>
        <translation>数据和输出</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Datasets (*.txt *.jsonl *.json *.gz);;All files (*)</source>
        <translation>数据集 (*.txt *.jsonl *.json *.gz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Training data:</source>
        <translation>训练数据：</translation>
    </message>
    <message>
        <source>Choose Training Data</source>
        <translation>选择训练数据</translation>
    </message>
    <message>
        <source>Validation data:</source>
        <translation>验证数据：</translation>
    </message>
    <message>
        <source>Choose Validation Data</source>
        <translation>选择验证数据</translation>
    </message>
    <message>
        <source>a held-out tail of the training data</source>
        <translation>训练数据末尾留出的一部分</translation>
    </message>
    <message>
        <source>Output folder:</source>
        <translation>输出文件夹：</translation>
    </message>
    <message>
        <source>Choose Output Folder</source>
        <translation>选择输出文件夹</translation>
    </message>
    <message>
        <source>none: keep the result in memory only</source>
        <translation>无：结果只保留在内存中</translation>
    </message>
    <message>
        <source>Adapters, loss.csv, healing.json and checkpoints are written here</source>
        <translation>适配器、loss.csv、healing.json 和检查点写入此处</translation>
    </message>
    <message>
        <source>Start Healing</source>
        <translation>开始修复</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>text, JSON Lines or C4 .json.gz</source>
        <translation>文本、JSON Lines 或 C4 .json.gz</translation>
    </message>
    <message>
        <source>the analysis data: %1</source>
        <translation>分析数据：%1</translation>
    </message>
    <message>
        <source>Defaults follow Gromov et al.: QLoRA of rank %1 on the FFN projections, %2 steps of %3 × %4 tokens. &lt;a href=&quot;defaults&quot;&gt;Reset to these&lt;/a&gt;</source>
        <translation>默认值遵循 Gromov 等人的设置：在 FFN 投影上做秩为 %1 的 QLoRA，%2 步，每步 %3 × %4 个词元。&lt;a href=&quot;defaults&quot;&gt;恢复为这些设置&lt;/a&gt;</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:#c0392b&quot;&gt;must divide the batch&lt;/span&gt;</source>
        <translation>&lt;span style=&quot;color:#c0392b&quot;&gt;必须整除批大小&lt;/span&gt;</translation>
    </message>
    <message numerus="yes">
        <source>× %n pass(es)</source>
        <translation>
            <numerusform>× %n 次传播</numerusform>
        </translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>FFN projections (gate, up, down), as in the paper</source>
        <translation>FFN 投影（gate、up、down），与论文相同</translation>
    </message>
    <message>
        <source>LoRA rank %1</source>
        <translation>LoRA 秩 %1</translation>
    </message>
    <message>
        <source>peak learning rate %1</source>
        <translation>峰值学习率 %1</translation>
    </message>
    <message>
        <source>%1-token sequences</source>
        <translation>%1 词元的序列</translation>
    </message>
    <message>
        <source>Gromov et al. healed a model like this one with %1. &lt;a href=&quot;apply&quot;&gt;Apply&lt;/a&gt;</source>
        <translation>Gromov 等人修复与此类似的模型时使用了%1。&lt;a href=&quot;apply&quot;&gt;应用&lt;/a&gt;</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Steps of linear warmup from 0. Automatic: 2% of the steps, at least 1 (the paper: 100 of 5000); it follows the steps when they change</source>
        <translation>从 0 开始线性预热的步数。自动：步数的 2%，至少 1 步（论文：5000 步中的 100 步）；步数改变时随之调整</translation>
    </message>
    <message>
        <source>auto (2% of steps)</source>
        <translation>自动（步数的 2%）</translation>
    </message>
    <message>
        <source>Inserted blocks only (knowledge injection)</source>
        <translation>仅插入的块（知识注入）</translation>
    </message>
    <message>
        <source>Train only the new blocks, at full rank, with everything else frozen: those inserted on the layer strip (right-click a layer), else those an expansion inserted (the model folder&apos;s layercut.json lists them, as layercut-cli expand writes it)</source>
        <translation>只以满秩训练新块，其余全部冻结：即在层条上插入的块（右键单击某层），否则为扩展时插入的块（由 layercut-cli expand 写入模型文件夹的 layercut.json 列出）</translation>
    </message>
</context>
<context>
    <name>ImportanceChart</name>
    <message>
        <source>Per-layer importance</source>
        <translation>逐层重要性</translation>
    </message>
    <message>
        <source>Loss increase (nats per token)</source>
        <translation>损失增加（每词元奈特）</translation>
    </message>
    <message>
        <source>MMLU accuracy lost (points)</source>
        <translation>MMLU 准确率下降（百分点）</translation>
    </message>
    <message>
        <source>Layer dropped alone</source>
        <translation>单独删除的层</translation>
    </message>
    <message>
        <source>Held-out loss increase</source>
        <translation>留出损失增加</translation>
    </message>
    <message>
        <source>MMLU accuracy lost (percentage points)</source>
        <translation>MMLU 准确率下降（百分点）</translation>
    </message>
    <message>
        <source>No importance scan yet.
Press Per-Layer Importance in the Evaluation dock.</source>
        <translation>尚无重要性扫描。
请在“评测”面板中点击“逐层重要性”。</translation>
    </message>
    <message>
        <source>New facts learnt by a block inserted after it (points)</source>
        <translation>其后插入的块学到的新知识（百分点）</translation>
    </message>
    <message>
        <source>New facts learnt by a block inserted after it (BoolQ points)</source>
        <translation>其后插入的块学到的新知识（BoolQ 百分点）</translation>
    </message>
    <message>
        <source>New facts learnt by a block inserted after it (MMLU points)</source>
        <translation>其后插入的块学到的新知识（MMLU 百分点）</translation>
    </message>
    <message>
        <source>Layer (dropped alone, or followed by a new block trained on new facts)</source>
        <translation>层（单独删除，或在其后接一个用新知识训练的新块）</translation>
    </message>
    <message>
        <source>Accuracy lost, and gained on new facts (percentage points)</source>
        <translation>损失的准确率，以及在新知识上获得的准确率（百分点）</translation>
    </message>
</context>
<context>
    <name>JobMessages</name>
    <message numerus="yes">
        <source>Exported %1 (%2 in %n shard(s)).</source>
        <translation>
            <numerusform>已导出 %1（%2，共 %n 个分片）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Model loaded in %1 s.</source>
        <translation>模型已在 %1 秒内加载。</translation>
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
        <source>Some results of the project were left out: the model now has another number of layers.</source>
        <translation>项目中的部分结果未载入：该模型现在的层数与项目不同。</translation>
    </message>
    <message>
        <source>The model runs unhealed: %1, which its healing needs, is gone.</source>
        <translation>模型以未修复状态运行：其修复所需的 %1 已不存在。</translation>
    </message>
    <message numerus="yes">
        <source>%n new block(s) inserted.</source>
        <translation>
            <numerusform>已插入 %n 个新块。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>JobQuestions</name>
    <message>
        <source>LayerCut</source>
        <translation>LayerCut</translation>
    </message>
    <message>
        <source>The sweep runs from the checkpoint&apos;s weights: what healing taught the model in memory is lost (its adapters stay saved). Run it?</source>
        <translation>扫描从检查点的权重开始运行：内存中模型通过修复学到的内容将会丢失（其适配器仍保存在磁盘上）。是否运行？</translation>
    </message>
    <message>
        <source>The output folder %1 holds another healing run (%2). Replace it? Its checkpoints, adapters and summary files are deleted; nothing else in the folder is touched.</source>
        <translation>输出文件夹 %1 中已有另一次修复运行（%2）。要替换它吗？其检查点、适配器和摘要文件将被删除；文件夹中的其他内容不受影响。</translation>
    </message>
</context>
<context>
    <name>JobRequests</name>
    <message>
        <source>Choose what to evaluate first.</source>
        <translation>请先选择要评测的内容。</translation>
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
        <source>Choose training data first.</source>
        <translation>请先选择训练数据。</translation>
    </message>
    <message>
        <source>Healing trains on text: a text file, JSON Lines, or a C4 .json.gz file. Set it in the Healing dock, or choose the analysis data.</source>
        <translation>修复需要在文本上训练：文本文件、JSON Lines 或 C4 .json.gz 文件。请在“修复”面板中设置，或选择分析数据。</translation>
    </message>
    <message>
        <source>These sweep settings cannot be used.</source>
        <translation>无法使用这些扫描设置。</translation>
    </message>
    <message>
        <source>The most similar block is found by measuring distances on the analysis data. Set it in the Analysis dock, or leave that strategy out.</source>
        <translation>最相似的块需要在分析数据上测量距离才能找到。请在“分析”面板中设置数据，或不使用该策略。</translation>
    </message>
    <message>
        <source>Healing trains on text: set it in the Healing dock, or choose the analysis data.</source>
        <translation>修复需要在文本上训练：请在“修复”面板中设置，或选择分析数据。</translation>
    </message>
    <message>
        <source>These healing settings cannot be used.</source>
        <translation>无法使用这些修复设置。</translation>
    </message>
    <message>
        <source>Set the MMLU folder or file, the BoolQ or GSM8K file, or text for the held-out loss in the Evaluation dock.</source>
        <translation>请在“评测”面板中设置 MMLU 文件夹或文件、BoolQ 或 GSM8K 文件，或用于留出损失的文本。</translation>
    </message>
    <message>
        <source>Choose the new facts first.</source>
        <translation>请先选择新知识。</translation>
    </message>
    <message>
        <source>The injection probe trains each new block on a text of facts the model has not seen and then asks MMLU- or BoolQ-format questions about them. Set both in the Per-Layer Importance box, or set the injection steps to off.</source>
        <translation>注入探针用模型未见过的事实文本训练每个新块，然后就这些事实提出 MMLU 或 BoolQ 格式的问题。请在“逐层重要性”框中设置两者，或把注入步数设为关闭。</translation>
    </message>
</context>
<context>
    <name>JobStatusBar</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the running job at its next step</source>
        <translation>在下一步停止正在运行的任务</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Resuming…</source>
        <translation>正在继续…</translation>
    </message>
    <message>
        <source>Healing paused after step %1 of %2.</source>
        <translation>修复已在第 %1 / %2 步后暂停。</translation>
    </message>
    <message>
        <source>Healing will pause before its first step.</source>
        <translation>修复将在第一步之前暂停。</translation>
    </message>
</context>
<context>
    <name>JobTexts</name>
    <message>
        <source>Opening checkpoint…</source>
        <translation>正在打开检查点…</translation>
    </message>
    <message>
        <source>Loading weights…</source>
        <translation>正在加载权重…</translation>
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
        <source>Measuring the held-out loss…</source>
        <translation>正在测量留出数据上的损失…</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Quantising the base to NF4…</source>
        <translation>正在将基座量化为 NF4…</translation>
    </message>
    <message>
        <source>Writing a checkpoint…</source>
        <translation>正在写入检查点…</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评测…</translation>
    </message>
    <message>
        <source>Sweeping…</source>
        <translation>正在扫描…</translation>
    </message>
    <message>
        <source>Healing: step %1 of %2</source>
        <translation>修复中：第 %1 / %2 步</translation>
    </message>
    <message>
        <source>%1 %2 of %3 samples</source>
        <translation>%1 %2/%3 个样本</translation>
    </message>
    <message>
        <source>%1 %2 of %3 sequences</source>
        <translation>%1 %2 / %3 个序列</translation>
    </message>
    <message>
        <source>%1 %2 of %3</source>
        <translation>%1 %2 / %3</translation>
    </message>
    <message>
        <source>Sweep point %1 of %2: %3</source>
        <translation>扫描第 %1 / %2 点：%3</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>The model could not be opened.</source>
        <translation>无法打开该模型。</translation>
    </message>
    <message>
        <source>The distances could not be measured.</source>
        <translation>无法测量距离。</translation>
    </message>
    <message>
        <source>The layers could not be dropped.</source>
        <translation>未能删除这些层。</translation>
    </message>
    <message>
        <source>The pruned model could not be exported.</source>
        <translation>无法导出剪枝后的模型。</translation>
    </message>
    <message>
        <source>The model could not be healed.</source>
        <translation>无法修复模型。</translation>
    </message>
    <message>
        <source>The healed model could not be exported.</source>
        <translation>无法导出修复后的模型。</translation>
    </message>
    <message>
        <source>The model could not be evaluated.</source>
        <translation>无法评测模型。</translation>
    </message>
    <message>
        <source>The sweep could not be run.</source>
        <translation>无法运行扫描。</translation>
    </message>
    <message>
        <source>The importance scan could not be run.</source>
        <translation>无法运行重要性扫描。</translation>
    </message>
    <message>
        <source>The job failed.</source>
        <translation>任务失败。</translation>
    </message>
    <message>
        <source>Tokenising…</source>
        <translation>正在分词…</translation>
    </message>
    <message>
        <source>Tokenising the training data…</source>
        <translation>正在对训练数据分词…</translation>
    </message>
    <message>
        <source>Tokenising the validation data…</source>
        <translation>正在对验证数据分词…</translation>
    </message>
    <message>
        <source>Attaching the adapters…</source>
        <translation>正在挂接适配器…</translation>
    </message>
    <message>
        <source>Measuring the validation loss…</source>
        <translation>正在测量验证损失…</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Generating…</source>
        <translation>正在生成…</translation>
    </message>
    <message>
        <source>%1 %2 of %3 prompts</source>
        <translation>%1 %2 / %3 个提示</translation>
    </message>
    <message>
        <source>The continuations could not be generated.</source>
        <translation>无法生成续写。</translation>
    </message>
</context>
<context>
    <name>LayerStrip</name>
    <message>
        <source>Layer %1 selected</source>
        <translation>已选择第 %1 层</translation>
    </message>
    <message>
        <source>Layers %1–%2 selected</source>
        <translation>已选择第 %1–%2 层</translation>
    </message>
    <message>
        <source>Layers: click or drag to select; Ctrl-click adds or removes one</source>
        <translation>层：点击或拖动以选择；按住 Ctrl 点击可添加或移除一层</translation>
    </message>
    <message numerus="yes">
        <source>Layers %1 selected (%n layer(s))</source>
        <translation>
            <numerusform>已选择层 %1（%n 层）</numerusform>
        </translation>
    </message>
    <message>
        <source>Shading: Block Influence of each layer, 1 − cos(its input, its output), from %1 (lightest) to %2 (darkest). The darker, the more the layer changes the stream; light layers are candidates to drop.</source>
        <translation>底色：每层的块影响度 1 − cos(输入, 输出)，从 %1（最浅）到 %2（最深）。颜色越深，该层对残差流的改变越大；浅色的层是可删除的候选。</translation>
    </message>
    <message>
        <source>Layer %1</source>
        <translation>第 %1 层</translation>
    </message>
    <message>
        <source>Block Influence: %1</source>
        <translation>块影响度：%1</translation>
    </message>
    <message>
        <source>Block Influence: not measured yet</source>
        <translation>块影响度：尚未测量</translation>
    </message>
    <message>
        <source>Selected; already dropped from the model</source>
        <translation>已选择；已从模型中删除</translation>
    </message>
    <message>
        <source>Selected</source>
        <translation>已选择</translation>
    </message>
    <message>
        <source>Dropped from the model</source>
        <translation>已从模型中删除</translation>
    </message>
    <message>
        <source>Not selected</source>
        <translation>未选择</translation>
    </message>
    <message>
        <source>Block Influence:</source>
        <translation>块影响度：</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <source>dropped</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>a copy of layer %1 (LLaMA Pro)</source>
        <translation>第 %1 层的副本（LLaMA Pro）</translation>
    </message>
    <message>
        <source>the mean of layers %1 and %2 (Llama SLayer)</source>
        <translation>第 %1 层与第 %2 层的平均（Llama SLayer）</translation>
    </message>
    <message>
        <source>a copy of layer %1, the last (Llama SLayer&apos;s mean)</source>
        <translation>第 %1 层（最后一层）的副本（Llama SLayer 的平均）</translation>
    </message>
    <message>
        <source>New block after layer %1
Starts as %2, with o_proj and down_proj zero: the identity until trained (Healing: Inserted blocks only)</source>
        <translation>第 %1 层之后的新块
初始为%2，o_proj 与 down_proj 为零：训练前为恒等映射（修复：仅插入的块）</translation>
    </message>
    <message>
        <source>Insert Averaged Block After Layer %1</source>
        <translation>在第 %1 层之后插入平均块</translation>
    </message>
    <message>
        <source>Llama SLayer: every tensor the mean of this layer and the next</source>
        <translation>Llama SLayer：每个张量取本层与下一层的平均</translation>
    </message>
    <message>
        <source>Insert Copied Block After Layer %1</source>
        <translation>在第 %1 层之后插入复制块</translation>
    </message>
    <message>
        <source>LLaMA Pro: a copy of this layer</source>
        <translation>LLaMA Pro：本层的副本</translation>
    </message>
    <message>
        <source>Remove the Block Inserted After Layer %1</source>
        <translation>移除第 %1 层之后插入的块</translation>
    </message>
    <message>
        <source>Apply Llama SLayer&apos;s S Strategy</source>
        <translation>应用 Llama SLayer 的 S 策略</translation>
    </message>
    <message>
        <source>New averaged blocks after layers 1, 3, …, L/2 − 1, and the last 2 layers dropped</source>
        <translation>在第 1、3、…、L/2 − 1 层之后插入平均新块，并删除最后 2 层</translation>
    </message>
    <message>
        <source>A new block follows it</source>
        <translation>其后有一个新块</translation>
    </message>
    <message>
        <source>Click or drag to select layers; Ctrl-click adds or removes a layer, Shift-click extends the selection from the last layer clicked. Right-click a layer to insert a new block after it.</source>
        <translation>单击或拖动以选择层；Ctrl+单击添加或移除一层，Shift+单击从上次单击的层扩展选择。右键单击某层可在其后插入新块。</translation>
    </message>
    <message>
        <source>inserted</source>
        <translation>已插入</translation>
    </message>
</context>
<context>
    <name>LoadOptionsBar</name>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
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
        <source>NF4 weights</source>
        <translation>NF4 权重</translation>
    </message>
    <message>
        <source>Quantise the linear weights to NF4 while loading, as QLoRA&apos;s base: about a quarter of their memory. LoRA healing then trains on it; dense LoRA and fine-tuning need it off.</source>
        <translation>加载时将线性层权重量化为 NF4（QLoRA 的基座）：约占其原内存的四分之一。LoRA 修复随后在其上训练；稠密 LoRA 和微调需关闭此项。</translation>
    </message>
</context>
<context>
    <name>LossChart</name>
    <message>
        <source>Healing loss</source>
        <translation>修复损失</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>Training loss, smoothed</source>
        <translation>训练损失（平滑）</translation>
    </message>
    <message>
        <source>Validation loss</source>
        <translation>验证损失</translation>
    </message>
    <message>
        <source>Optimizer step</source>
        <translation>优化器步</translation>
    </message>
    <message>
        <source>Loss (cross-entropy, nats per token)</source>
        <translation>损失（交叉熵，每词元奈特）</translation>
    </message>
    <message>
        <source>No healing run yet.
Set one up in the Healing dock and press Start Healing.</source>
        <translation>尚未进行修复。
请在“修复”面板中设置，然后点击“开始修复”。</translation>
    </message>
    <message>
        <source>Smoothing:</source>
        <translation>平滑：</translation>
    </message>
    <message>
        <source>Weight of the exponential moving average of the training loss, as in TensorBoard</source>
        <translation>训练损失指数移动平均的权重，与 TensorBoard 相同</translation>
    </message>
    <message>
        <source>Logarithmic loss axis</source>
        <translation>对数损失坐标轴</translation>
    </message>
    <message numerus="yes">
        <source>Preparing a run of %n step(s)…</source>
        <translation>
            <numerusform>正在准备 %n 步的训练…</numerusform>
        </translation>
    </message>
    <message>
        <source>Step %1 of %2</source>
        <translation>第 %1 / %2 步</translation>
    </message>
    <message>
        <source>training loss %1</source>
        <translation>训练损失 %1</translation>
    </message>
    <message>
        <source>validation loss %1</source>
        <translation>验证损失 %1</translation>
    </message>
    <message>
        <source>%1 tokens/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>elapsed %1</source>
        <translation>已用 %1</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>%1 remaining</source>
        <translation>剩余 %1</translation>
    </message>
    <message>
        <source>GPU memory %1 (peak %2)</source>
        <translation>GPU 显存 %1（峰值 %2）</translation>
    </message>
    <message>
        <source>learning rate %1</source>
        <translation>学习率 %1</translation>
    </message>
    <message>
        <source>Preparing the healing run…
The curves start with its first step.</source>
        <translation>正在准备修复训练…
曲线将从第一步开始显示。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>LayerCut</source>
        <translation>LayerCut</translation>
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
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
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
        <source>Choose a dataset and press Measure Distances.</source>
        <translation>选择数据集，然后点击“测量距离”。</translation>
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
        <source>Run the model without the selected layers and compare the held-out loss</source>
        <translation>在不含所选层的情况下运行模型，并比较留出数据上的损失</translation>
    </message>
    <message>
        <source>&amp;Restore All Layers</source>
        <translation>恢复所有层(&amp;R)</translation>
    </message>
    <message>
        <source>These layers cannot be dropped.</source>
        <translation>无法删除这些层。</translation>
    </message>
    <message>
        <source>Healing</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>&amp;Heal</source>
        <translation>修复(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Start Healing</source>
        <translation>开始修复(&amp;S)</translation>
    </message>
    <message>
        <source>Train the pruned model to recover, with the Healing dock&apos;s settings</source>
        <translation>按“修复”面板的设置训练剪枝后的模型，使其恢复</translation>
    </message>
    <message>
        <source>&amp;Pause Healing</source>
        <translation>暂停修复(&amp;P)</translation>
    </message>
    <message>
        <source>Export &amp;Healed Model…</source>
        <translation>导出修复后的模型(&amp;H)…</translation>
    </message>
    <message>
        <source>Merge what healing learnt into the weights and write a folder that transformers loads</source>
        <translation>将修复学到的内容合并进权重，并写出 transformers 可以加载的文件夹</translation>
    </message>
    <message>
        <source>Export Loss Chart &amp;Image…</source>
        <translation>导出损失曲线图像(&amp;I)…</translation>
    </message>
    <message>
        <source>Export Loss &amp;Data…</source>
        <translation>导出损失数据(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Resume Healing</source>
        <translation>继续修复(&amp;R)</translation>
    </message>
    <message>
        <source>QLoRA rank %1</source>
        <translation>QLoRA，秩 %1</translation>
    </message>
    <message>
        <source>LoRA rank %1</source>
        <translation>LoRA，秩 %1</translation>
    </message>
    <message numerus="yes">
        <source>last %n block(s), final norm and lm_head</source>
        <translation>
            <numerusform>最后 %n 个块、最终归一化层和 lm_head</numerusform>
        </translation>
    </message>
    <message>
        <source>full fine-tuning</source>
        <translation>全量微调</translation>
    </message>
    <message>
        <source>layers %1 dropped</source>
        <translation>已删除第 %1 层</translation>
    </message>
    <message>
        <source>all layers</source>
        <translation>全部层</translation>
    </message>
    <message>
        <source>%1 (%2): %3, %4 trainable parameters</source>
        <translation>%1（%2）：%3，%4 个可训练参数</translation>
    </message>
    <message>
        <source>Healing cancelled after %1 of %2 steps; the model keeps what it learnt.</source>
        <translation>修复在第 %1 / %2 步后取消；模型保留已学到的内容。</translation>
    </message>
    <message numerus="yes">
        <source>Healed in %n step(s): training loss %1</source>
        <translation>
            <numerusform>修复完成，共 %n 步：训练损失 %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Healing finished.</source>
        <translation>修复完成。</translation>
    </message>
    <message>
        <source>Adapters saved in %1.</source>
        <translation>适配器已保存到 %1。</translation>
    </message>
    <message>
        <source>Export Healed Model</source>
        <translation>导出修复后的模型</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>&amp;Evaluate</source>
        <translation>评测(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Evaluate Model</source>
        <translation>评测模型(&amp;E)</translation>
    </message>
    <message>
        <source>Run &amp;Sweep</source>
        <translation>运行扫描(&amp;S)</translation>
    </message>
    <message>
        <source>Evaluate the model with growing fractions of its layers dropped</source>
        <translation>在删除比例逐渐增大的情况下评测模型</translation>
    </message>
    <message>
        <source>Per-&amp;Layer Importance</source>
        <translation>逐层重要性(&amp;L)</translation>
    </message>
    <message>
        <source>Export Sweep Chart &amp;Image…</source>
        <translation>导出扫描图表图像(&amp;I)…</translation>
    </message>
    <message>
        <source>Export Sweep &amp;Data…</source>
        <translation>导出扫描数据(&amp;D)…</translation>
    </message>
    <message>
        <source>%1, healed</source>
        <translation>%1，已修复</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Evaluated in %1 s.</source>
        <translation>评测用时 %1 秒。</translation>
    </message>
    <message>
        <source>%1: what dropping each layer alone costs</source>
        <translation>%1：单独删除每一层的代价</translation>
    </message>
    <message numerus="yes">
        <source>%1: accuracy and loss against layers dropped, healed for %n step(s)</source>
        <translation>
            <numerusform>%1：准确率和损失随删除层数的变化，每点修复 %n 步</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: accuracy and loss against layers dropped</source>
        <translation>%1：准确率和损失随删除层数的变化</translation>
    </message>
    <message>
        <source>Measured %1, %2 layer(s) dropped%3.</source>
        <translation>已测量：%1，删除 %2 层%3。</translation>
    </message>
    <message>
        <source>, healed</source>
        <translation>，已修复</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled after %n point(s).</source>
        <translation>
            <numerusform>已在 %n 个点后取消。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Finished: %n point(s) in %1 s.</source>
        <translation>
            <numerusform>完成：%n 个点，用时 %1 秒。</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved in %1.</source>
        <translation>已保存到 %1。</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <source>, validation loss %1 on %2</source>
        <translation>，验证损失 %1（基于 %2）</translation>
    </message>
    <message numerus="yes">
        <source>%n document(s) of %1</source>
        <translation>
            <numerusform>%1 中的 %n 篇文档</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1, %n trained on left out</source>
        <translation>
            <numerusform>%1，已排除 %n 篇训练用文档</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>&amp;Drop Selected Layers</source>
        <translation>删除所选层(&amp;D)</translation>
    </message>
    <message>
        <source>from the project</source>
        <translation>来自项目</translation>
    </message>
    <message>
        <source>from the cache</source>
        <translation>来自缓存</translation>
    </message>
    <message>
        <source>measured in %1 s</source>
        <translation>用时 %1 秒测得</translation>
    </message>
    <message>
        <source>%1 samples, %2 tokens (%3).</source>
        <translation>%1 个样本，%2 个词元（%3）。</translation>
    </message>
    <message>
        <source>Export Plan as &amp;mergekit YAML…</source>
        <translation>将方案导出为 mergekit YAML(&amp;M)…</translation>
    </message>
    <message>
        <source>Write the layers kept as mergekit&apos;s passthrough slices</source>
        <translation>将保留的层写为 mergekit 的 passthrough 切片</translation>
    </message>
    <message>
        <source>inserted blocks</source>
        <translation>插入的块</translation>
    </message>
    <message>
        <source>blocks %1</source>
        <translation>块 %1</translation>
    </message>
    <message>
        <source>Score the model as it is now on MMLU, BoolQ, GSM8K and the held-out loss</source>
        <translation>按模型当前状态在 MMLU、BoolQ、GSM8K 和留出损失上评分</translation>
    </message>
    <message>
        <source>&amp;Insert Block After Selection</source>
        <translation>在所选层之后插入块(&amp;I)</translation>
    </message>
    <message>
        <source>A new block after the last selected layer, the mean of it and the next (Llama SLayer): the identity until trained. Right-click a layer on the strip for more</source>
        <translation>在最后一个所选层之后插入新块，取该层与下一层的平均（Llama SLayer）：训练前为恒等映射。在层条上右键单击某层可查看更多选项</translation>
    </message>
    <message>
        <source>Apply Llama SLayer&apos;s &amp;S Strategy</source>
        <translation>应用 Llama SLayer 的 S 策略(&amp;S)</translation>
    </message>
    <message>
        <source>New averaged blocks after layers 1, 3, …, L/2 − 1 and the last 2 layers dropped; train them with Healing: Inserted blocks only</source>
        <translation>在第 1、3、…、L/2 − 1 层之后插入平均新块并删除最后 2 层；用“修复：仅插入的块”训练它们</translation>
    </message>
    <message>
        <source>Drop each layer alone and measure what it costs; with injection steps set in the Evaluation dock, also insert and train a block after each layer</source>
        <translation>逐一单独删除每一层并测量其代价；在“评估”停靠窗口设置了注入步数时，还会在每一层之后插入并训练一个块</translation>
    </message>
    <message>
        <source>Measured a block inserted after layer %1 and trained on the new facts.</source>
        <translation>已测量在第 %1 层之后插入并用新知识训练的块。</translation>
    </message>
    <message>
        <source>%1: what dropping each layer costs, and what a new block after it learns (%2 steps)</source>
        <translation>%1：删除每一层的代价，以及其后的新块学到了什么（%2 步）</translation>
    </message>
</context>
<context>
    <name>MemoryFit</name>
    <message>
        <source>Batch %1 in the Analysis dock</source>
        <translation>分析面板中批大小设为 %1</translation>
    </message>
    <message>
        <source>%1 tokens per pass (layercut-cli eval --batch-tokens %1)</source>
        <translation>每次前向 %1 个词元（layercut-cli eval --batch-tokens %1）</translation>
    </message>
    <message>
        <source>Micro-batch %1 in the Healing dock</source>
        <translation>修复面板中微批大小设为 %1</translation>
    </message>
    <message>
        <source>Activation checkpointing in the Healing dock</source>
        <translation>在修复面板中启用激活检查点</translation>
    </message>
    <message>
        <source>QLoRA as the Healing dock&apos;s method</source>
        <translation>修复面板的方法选 QLoRA</translation>
    </message>
    <message>
        <source>NF4 weights in the toolbar (the model loads again)</source>
        <translation>工具栏中选 NF4 权重（模型将重新加载）</translation>
    </message>
    <message>
        <source>layercut-cli distances --stream (one block at a time from the checkpoint)</source>
        <translation>layercut-cli distances --stream（每次从检查点读取一个块）</translation>
    </message>
    <message>
        <source>, and </source>
        <translation>，并且</translation>
    </message>
    <message>
        <source>Measuring distances</source>
        <translation>测量距离</translation>
    </message>
    <message>
        <source>The evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Healing</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>weights %1, activations %2</source>
        <translation>权重 %1，激活 %2</translation>
    </message>
    <message>
        <source>%1, training state %2</source>
        <translation>%1，训练状态 %2</translation>
    </message>
    <message>
        <source>What would fit:</source>
        <translation>可以放下的做法：</translation>
    </message>
    <message>
        <source>%1 (about %2)</source>
        <translation>%1（约 %2）</translation>
    </message>
    <message>
        <source>Start anyway?</source>
        <translation>仍要开始吗？</translation>
    </message>
    <message>
        <source>%1 on %2 (%3)</source>
        <translation>%2 上 %1（%3）</translation>
    </message>
    <message>
        <source>%1 needs about %2, which have %3 for LayerCut.</source>
        <translation>%1 约需 %2，而这些设备可供 LayerCut 使用的分别为 %3。</translation>
    </message>
    <message>
        <source> and </source>
        <translation> 和 </translation>
    </message>
    <message>
        <source>%1 needs about %2, which has %3 for LayerCut.</source>
        <translation>%1 约需 %2，而该设备可供 LayerCut 使用的为 %3。</translation>
    </message>
    <message>
        <source>No smaller batch, NF4 weights, more GPUs or streaming would fit it: devices with more memory would.</source>
        <translation>更小的批、NF4 权重、更多 GPU 或流式处理都放不下：需要显存更大的设备。</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上 %1</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>“%1” as the toolbar&apos;s device (the model loads again)</source>
        <translation>工具栏的设备选“%1”（模型将重新加载）</translation>
    </message>
    <message>
        <source>the GPUs %1 (layercut-cli %2)</source>
        <translation>GPU %1（layercut-cli %2）</translation>
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
    <message>
        <source>Sliding window</source>
        <translation>滑动窗口</translation>
    </message>
    <message>
        <source>%1 tokens, on %2 of %3 layers</source>
        <translation>%1 个词元，作用于 %3 层中的 %2 层</translation>
    </message>
    <message>
        <source>none (full attention)</source>
        <translation>无（全注意力）</translation>
    </message>
    <message>
        <source>Block features</source>
        <translation>块特性</translation>
    </message>
    <message>
        <source>norms after attention and MLP</source>
        <translation>归一化位于注意力和 MLP 之后</translation>
    </message>
    <message>
        <source>norms before attention and MLP</source>
        <translation>归一化位于注意力和 MLP 之前</translation>
    </message>
    <message>
        <source>q/k norms over the projection</source>
        <translation>q/k 归一化作用于整个投影</translation>
    </message>
    <message>
        <source>q/k norms per head</source>
        <translation>q/k 按头归一化</translation>
    </message>
    <message>
        <source>q/k/v biases</source>
        <translation>q/k/v 偏置</translation>
    </message>
    <message>
        <source>no RoPE on %1 of %2 layers</source>
        <translation>%2 层中有 %1 层不使用 RoPE</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>; sliding layers θ = %1</source>
        <translation>；滑动窗口层 θ = %1</translation>
    </message>
    <message>
        <source>norms before and after attention and MLP</source>
        <translation>注意力和 MLP 前后均有归一化</translation>
    </message>
    <message>
        <source>norms scale by 1 + w</source>
        <translation>归一化按 1 + w 缩放</translation>
    </message>
    <message>
        <source>GeGLU (tanh GELU)</source>
        <translation>GeGLU（tanh GELU）</translation>
    </message>
    <message>
        <source>embeddings × √hidden</source>
        <translation>嵌入 × √hidden</translation>
    </message>
    <message>
        <source>attention soft-capping at %1</source>
        <translation>注意力软上限 %1</translation>
    </message>
    <message>
        <source>logit soft-capping at %1</source>
        <translation>logit 软上限 %1</translation>
    </message>
    <message>
        <source>, LongRoPE ×%1 past %2 tokens</source>
        <translation>，超过 %2 个词元时 LongRoPE ×%1</translation>
    </message>
    <message>
        <source>, on %1 of %2 channels per head</source>
        <translation>，作用于每个头 %2 个通道中的 %1 个</translation>
    </message>
    <message>
        <source>fused q|k|v and gate|up projections</source>
        <translation>融合的 q|k|v 与 gate|up 投影</translation>
    </message>
    <message>
        <source>GPU Memory Needed (Estimate)</source>
        <translation>所需 GPU 显存（估计）</translation>
    </message>
    <message>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>Distances</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Healing</source>
        <translation>修复</translation>
    </message>
    <message>
        <source>Free now</source>
        <translation>当前可用</translation>
    </message>
    <message>
        <source>%1 (NF4 blocks, the rest %2)</source>
        <translation>%1（块为 NF4，其余为 %2）</translation>
    </message>
    <message>
        <source>%1 for 8 × 2,048 tokens per pass</source>
        <translation>%1，每次前向 8 × 2,048 个词元</translation>
    </message>
    <message>
        <source>%1 for 16,384 tokens per pass, held-out loss included</source>
        <translation>%1，每次前向 16,384 个词元，含留出损失</translation>
    </message>
    <message>
        <source>%1 for QLoRA on 1 × 2,048 tokens</source>
        <translation>%1，QLoRA，1 × 2,048 个词元</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>no GPU in use: the estimates are for a GPU, in %1</source>
        <translation>未使用 GPU：估计值针对 GPU，精度为 %1</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%2 上 %1</translation>
    </message>
    <message>
        <source>%1 of %2 on %3</source>
        <translation>%3 上 %1 / %2</translation>
    </message>
    <message>
        <source>%1, with this model&apos;s weights already loaded</source>
        <translation>%1，已包含本模型已加载的权重</translation>
    </message>
    <message>
        <source>no GPU in use: the estimates are for GPUs with these parts, in %1</source>
        <translation>未使用 GPU：估计值针对分别承载这些部分的 GPU，精度为 %1</translation>
    </message>
    <message>
        <source>%1 (no block)</source>
        <translation>%1（无块）</translation>
    </message>
    <message>
        <source>%1 (blocks %2–%3)</source>
        <translation>%1（块 %2–%3）</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Interface language:</source>
        <translation>界面语言：</translation>
    </message>
    <message>
        <source>A new language takes effect after LayerCut is restarted.</source>
        <translation>更改的语言将在重新启动 LayerCut 后生效。</translation>
    </message>
    <message>
        <source>Open models on:</source>
        <translation>默认打开模型的设备：</translation>
    </message>
    <message>
        <source> GB</source>
        <translation> GB</translation>
    </message>
    <message>
        <source>the device&apos;s free memory</source>
        <translation>设备的空闲内存</translation>
    </message>
    <message>
        <source>Before a job starts, its estimated memory is checked against this budget (and the GPU&apos;s free memory): on a shared GPU, or to size work for a smaller one. Checked on the CPU too.</source>
        <translation>任务开始前，会将其估计的内存需求与此预算（以及 GPU 的空闲内存）比较：适用于共享 GPU，或为更小的 GPU 规划任务。在 CPU 上同样检查。</translation>
    </message>
    <message>
        <source>Memory budget:</source>
        <translation>内存预算：</translation>
    </message>
</context>
<context>
    <name>ProjectController</name>
    <message>
        <source>&amp;New Project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <source>Start a new project on the open model, without its results</source>
        <translation>在当前打开的模型上新建项目，不保留其结果</translation>
    </message>
    <message>
        <source>Open &amp;Project…</source>
        <translation>打开项目(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Save Project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <source>Save Project &amp;As…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Open &amp;Demo</source>
        <translation>打开演示(&amp;D)</translation>
    </message>
    <message>
        <source>Open the bundled small model with data for every step, and measure its heatmap</source>
        <translation>打开随附的小模型及各步骤所用的数据，并测量其热力图</translation>
    </message>
    <message>
        <source>Recent Pro&amp;jects</source>
        <translation>最近的项目(&amp;J)</translation>
    </message>
    <message>
        <source>Demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>LayerCut</source>
        <translation>LayerCut</translation>
    </message>
    <message>
        <source>%1[*] — LayerCut</source>
        <translation>%1[*] — LayerCut</translation>
    </message>
    <message>
        <source>LayerCut is busy.</source>
        <translation>LayerCut 正忙。</translation>
    </message>
    <message>
        <source>Wait until the running job ends, or cancel it, and try again.</source>
        <translation>请等待当前任务结束或将其取消，然后重试。</translation>
    </message>
    <message>
        <source>the untitled project</source>
        <translation>未命名项目</translation>
    </message>
    <message>
        <source>Save the changes to %1 first?</source>
        <translation>是否先保存对 %1 的更改？</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>LayerCut projects (*.layercut);;All files (*)</source>
        <translation>LayerCut 项目 (*.layercut);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The project could not be opened.</source>
        <translation>无法打开该项目。</translation>
    </message>
    <message>
        <source>demo</source>
        <translation>演示</translation>
    </message>
    <message>
        <source>Save Project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <source>LayerCut projects (*.layercut)</source>
        <translation>LayerCut 项目 (*.layercut)</translation>
    </message>
    <message>
        <source>The project is still opening; save it once it is open.</source>
        <translation>项目仍在打开中；请在打开完成后再保存。</translation>
    </message>
    <message>
        <source>The project could not be saved.</source>
        <translation>无法保存该项目。</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <source>The demo could not be found.</source>
        <translation>找不到演示。</translation>
    </message>
    <message>
        <source>LayerCut looked for a folder holding model/config.json in:
%1</source>
        <translation>LayerCut 在以下位置查找含有 model/config.json 的文件夹：
%1</translation>
    </message>
</context>
<context>
    <name>RecentFilesMenu</name>
    <message>
        <source>Clear List</source>
        <translation>清空列表</translation>
    </message>
</context>
<context>
    <name>ScriptExports</name>
    <message>
        <source>Select layers first.</source>
        <translation>请先选择层。</translation>
    </message>
    <message>
        <source>Select the layers to drop on the heatmap or the strip, or drop them.</source>
        <translation>在热力图或层条上选择要删除的层，或直接删除它们。</translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation>请先打开模型。</translation>
    </message>
    <message>
        <source>Heal the model first.</source>
        <translation>请先修复模型。</translation>
    </message>
    <message>
        <source>This healing run has no layercut-cli command.</source>
        <translation>此次修复运行没有对应的 layercut-cli 命令。</translation>
    </message>
    <message>
        <source>It saved nothing: set an output folder in the Healing dock and heal again.</source>
        <translation>它没有保存任何内容：请在“修复”面板中设置输出文件夹后重新修复。</translation>
    </message>
    <message>
        <source>This job has no layercut-cli command.</source>
        <translation>此任务没有对应的 layercut-cli 命令。</translation>
    </message>
    <message>
        <source>Copy as layercut-cli &amp;Command</source>
        <translation>复制为 layercut-cli 命令(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Measure Distances</source>
        <translation>测量距离(&amp;M)</translation>
    </message>
    <message>
        <source>Export &amp;Pruned Model</source>
        <translation>导出剪枝后的模型(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Heal</source>
        <translation>修复(&amp;H)</translation>
    </message>
    <message>
        <source>Export H&amp;ealed Model</source>
        <translation>导出修复后的模型(&amp;E)</translation>
    </message>
    <message>
        <source>E&amp;valuate</source>
        <translation>评测(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Sweep</source>
        <translation>扫描(&amp;S)</translation>
    </message>
    <message>
        <source>Per-&amp;Layer Importance</source>
        <translation>逐层重要性(&amp;L)</translation>
    </message>
    <message>
        <source>The command that does the same on the docks&apos; settings</source>
        <translation>按各面板当前设置执行相同操作的命令</translation>
    </message>
    <message>
        <source>Copied: %1</source>
        <translation>已复制：%1</translation>
    </message>
    <message>
        <source>Export Plan as mergekit YAML</source>
        <translation>将方案导出为 mergekit YAML</translation>
    </message>
    <message>
        <source>YAML (*.yaml *.yml)</source>
        <translation>YAML (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>The mergekit configuration could not be saved.</source>
        <translation>无法保存 mergekit 配置。</translation>
    </message>
    <message>
        <source>Saved %1: run mergekit-yaml on it to build the pruned model.</source>
        <translation>已保存 %1：对其运行 mergekit-yaml 即可生成剪枝后的模型。</translation>
    </message>
    <message>
        <source>Type a prompt and choose a model first.</source>
        <translation>请先输入提示并选择模型。</translation>
    </message>
    <message>
        <source>&amp;Generate</source>
        <translation>生成(&amp;G)</translation>
    </message>
</context>
<context>
    <name>SelectionPanel</name>
    <message>
        <source>Layers dropped:</source>
        <translation>删除的层：</translation>
    </message>
    <message>
        <source>Distance d:</source>
        <translation>距离 d：</translation>
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
    <message>
        <source>&lt;b&gt;Dropping the selection&lt;/b&gt;</source>
        <translation>&lt;b&gt;删除所选层&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Selected layers:</source>
        <translation>所选层：</translation>
    </message>
    <message>
        <source>The layers selected on the heatmap or the layer strip: those a drop would remove (0-based, original numbering)</source>
        <translation>在热图或层条上选择的层：删除时将移除这些层（从 0 开始，原始编号）</translation>
    </message>
    <message>
        <source>Would keep:</source>
        <translation>将保留：</translation>
    </message>
    <message>
        <source>The layers that would remain after dropping the selection</source>
        <translation>删除所选层后将保留的层</translation>
    </message>
    <message>
        <source>The angular distance between the streams before and after the block; defined for one contiguous block</source>
        <translation>块前后残差流之间的角距离；仅对一个连续块有定义</translation>
    </message>
    <message>
        <source>Would remove:</source>
        <translation>将移除：</translation>
    </message>
    <message>
        <source>The parameters of the selected layers</source>
        <translation>所选层的参数</translation>
    </message>
    <message>
        <source>Would save:</source>
        <translation>将节省：</translation>
    </message>
    <message>
        <source>The memory the selected layers&apos; weights take</source>
        <translation>所选层的权重占用的内存</translation>
    </message>
    <message>
        <source>The layers the model runs now</source>
        <translation>模型当前运行的层</translation>
    </message>
    <message>
        <source>The layers dropped from the model now (original numbering)</source>
        <translation>当前已从模型中删除的层（原始编号）</translation>
    </message>
    <message>
        <source>The held-out loss before and after the layers were dropped</source>
        <translation>删除层前后的留出损失</translation>
    </message>
    <message>
        <source>%1 of %2 layers</source>
        <translation>%1/%2 层</translation>
    </message>
    <message>
        <source>none: select layers on the heatmap or the layer strip</source>
        <translation>无：请在热图或层条上选择层</translation>
    </message>
    <message>
        <source>— (not one contiguous block)</source>
        <translation>—（不是一个连续块）</translation>
    </message>
    <message>
        <source>%1 parameters (%2% of the model)</source>
        <translation>%1 个参数（占模型的 %2%）</translation>
    </message>
    <message numerus="yes">
        <source>and %n new block(s), after layer(s) %1</source>
        <translation>
            <numerusform>以及 %n 个新块，位于第 %1 层之后</numerusform>
        </translation>
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
        <source>start l = %1, block size n = %2
d = %3
drops layers %4–%5 (0-based, inclusive)</source>
        <translation>起点 l = %1，块大小 n = %2
d = %3
删除第 %4–%5 层（从 0 开始，含两端）</translation>
    </message>
    <message>
        <source>No distances yet.
Choose data in the Analysis dock and press Measure Distances.</source>
        <translation>尚无距离。
请在“分析”面板中选择数据并点击“测量距离”。</translation>
    </message>
    <message>
        <source>%1
normalised per row (0 = min, 1 = max)</source>
        <translation>%1
按行归一化（0 = 最小，1 = 最大）</translation>
    </message>
</context>
<context>
    <name>SweepChart</name>
    <message>
        <source>Sweep</source>
        <translation>扫描</translation>
    </message>
    <message>
        <source>Layers dropped (%)</source>
        <translation>删除的层（%）</translation>
    </message>
    <message>
        <source>Accuracy (%)</source>
        <translation>准确率（%）</translation>
    </message>
    <message>
        <source>Held-out loss / ln V</source>
        <translation>留出损失 / ln V</translation>
    </message>
    <message>
        <source>MMLU chance (25%)</source>
        <translation>MMLU 随机水平（25%）</translation>
    </message>
    <message>
        <source>BoolQ majority class</source>
        <translation>BoolQ 多数类</translation>
    </message>
    <message>
        <source>No sweep yet.
Set one up in the Evaluation dock and press Run Sweep.</source>
        <translation>尚无扫描。
请在“评测”面板中设置，然后点击“运行扫描”。</translation>
    </message>
    <message>
        <source>last layers</source>
        <translation>最后几层</translation>
    </message>
    <message>
        <source>single layer</source>
        <translation>单层</translation>
    </message>
    <message>
        <source>BoolQ majority class (%1%)</source>
        <translation>BoolQ 多数类（%1%）</translation>
    </message>
    <message>
        <source>MMLU</source>
        <translation>MMLU</translation>
    </message>
    <message>
        <source>BoolQ</source>
        <translation>BoolQ</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>%1, %2, healed</source>
        <translation>%1，%2，已修复</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1，%2</translation>
    </message>
    <message>
        <source>most similar</source>
        <translation>最相似</translation>
    </message>
    <message>
        <source>deepest</source>
        <translation>最深层</translation>
    </message>
    <message>
        <source>healed</source>
        <translation>已修复</translation>
    </message>
    <message>
        <source>not healed</source>
        <translation>未修复</translation>
    </message>
    <message>
        <source>Benchmark:</source>
        <translation>基准：</translation>
    </message>
    <message>
        <source>Strategy:</source>
        <translation>策略：</translation>
    </message>
    <message>
        <source>Healing:</source>
        <translation>修复：</translation>
    </message>
    <message>
        <source>Baselines:</source>
        <translation>基线：</translation>
    </message>
    <message>
        <source>GSM8K</source>
        <translation>GSM8K</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <source>&lt;h2&gt;LayerCut&lt;/h2&gt;&lt;p&gt;Open a Hugging Face checkpoint folder (Llama, Mistral, Qwen2, Qwen3; safetensors) to see which of its layers can be dropped.&lt;/p&gt;</source>
        <translation>&lt;h2&gt;LayerCut&lt;/h2&gt;&lt;p&gt;打开一个 Hugging Face 检查点文件夹（Llama、Mistral、Qwen2、Qwen3；safetensors 格式），查看其中哪些层可以删除。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Open Model Folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Explore layer pruning of large language models.</source>
        <translation>探索大语言模型的层剪枝。</translation>
    </message>
    <message>
        <source>Open the bundled demo model and data.</source>
        <translation>打开随附的演示模型和数据。</translation>
    </message>
    <message>
        <source>Model folder or LayerCut project to open.</source>
        <translation>要打开的模型文件夹或 LayerCut 项目。</translation>
    </message>
</context>
</TS>
