// A bar chart drawn by Chart.js (canvas), loaded only with the statistics page (the participant pages never
// import it). Only the pieces a bar chart needs are registered, so the chunk stays small. The figures are also
// in the table beside it: the canvas carries an aria-label and is not the only way to read them.
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

export default function BarChart({ labels, series, title, horizontal = false, height = 280 }: {
  labels: string[]; series: Series[]; title: string; horizontal?: boolean; height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return undefined;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color })) },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom', labels: { font: { size: 14 } } } },
        scales: { x: { ticks: { font: { size: 13 } } }, y: { beginAtZero: true, ticks: { font: { size: 13 } } } },
      },
    });
    return () => chart.destroy();
  }, [labels, series, horizontal]);
  return (
    <div className="chart-box" style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={title} />
    </div>
  );
}
