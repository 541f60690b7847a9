import { SeatMap, SeatMapReader } from '../seat-map';

export class GetSeatMap {
  constructor(private readonly reader: SeatMapReader) {}

  execute(performanceId: string): Promise<SeatMap> {
    return this.reader.read(performanceId);
  }
}
