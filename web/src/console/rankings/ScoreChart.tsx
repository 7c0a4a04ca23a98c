import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { RankedUnit } from './rankingData.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The month's scores as bars, best first, with last month's as a line to read the trend at a glance. */
export function ScoreChart({ units, onPick }: { units: RankedUnit[]; onPick(code: string): void }) {
  const { t } = useTranslation();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const instance = echarts.init(element.current!);
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current!);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const scored = units.filter((unit) => unit.score !== null);
    chart.current?.setOption(
      {
        tooltip: { trigger: 'axis' },
        legend: { data: [t('rankings.score'), t('rankings.lastMonth')] },
        grid: { left: 40, right: 16, top: 36, bottom: 72 },
        xAxis: { type: 'category', data: scored.map((unit) => unit.name), axisLabel: { rotate: 40, interval: 0, fontSize: 11 } },
        yAxis: { type: 'value', min: 0, max: 100 },
        series: [
          {
            name: t('rankings.score'),
            type: 'bar',
            data: scored.map((unit, index) => ({
              value: unit.score,
              code: unit.code,
              itemStyle: { color: index < 3 ? '#cf1322' : index >= scored.length - 3 && scored.length > 3 ? '#8c8c8c' : '#1677ff' },
            })),
          },
          { name: t('rankings.lastMonth'), type: 'line', data: scored.map((unit) => unit.lastMonthScore), connectNulls: false },
        ],
      },
      true,
    );
    const instance = chart.current;
    if (!instance) return;
    const pick = (params: { data?: unknown }) => {
      const code = (params.data as { code?: string } | null | undefined)?.code;
      if (code) onPick(code);
    };
    instance.on('click', pick);
    return () => {
      instance.off('click', pick);
    };
  }, [units, onPick, t]);

  return <div ref={element} data-testid="score-chart" style={{ width: '100%', height: 320 }} />;
}
